package io.vakit.kit.lincheck;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * Linearizability of allocate and free from several threads, against an on-heap model. Operations return only
 * values any correct allocator gives: {@code alloc} is always {@code "ok"}; {@code free} is {@code "none"} when
 * the test holds no block, else {@code "ok"} when the block it frees still holds the stamp written at allocation,
 * or {@code "corrupt"} when another thread wrote into it (two threads were given overlapping memory).
 *
 * <p>A subclass names the implementation with a public no-argument constructor; Lincheck creates one instance per
 * scenario. Each instance opens its own allocator.
 */
@Param(name = "size", gen = IntGen.class, conf = "1:64")
public abstract class AllocatorLincheck {
    private static final Object LOCK = new Object();
    private static Allocator previous;

    private final Allocator allocator;
    private final StampedBlocks held = new StampedBlocks();

    /** Opens an allocator of {@code provider}'s design for this scenario. */
    protected AllocatorLincheck(AllocatorProvider provider) {
        this.allocator = provider.open();
        // Lincheck makes one instance per invocation, runs invocations one at a time, and closes none: close the
        // previous one here, so memory (and a native pool's slots) come back at once, not when the GC runs.
        synchronized (LOCK) {
            if (previous != null) {
                previous.close();
            }
            previous = allocator;
        }
    }

    /** Allocates {@code size} bytes and stamps them; the block is held by the test until a {@link #free}. */
    @Operation
    public String alloc(@Param(name = "size") int size) {
        held.hold(allocator.allocate(size));
        return "ok";
    }

    /** Frees a held block after checking its stamp. */
    @Operation
    public String free() {
        return held.release(allocator::free);
    }

    /** Stress mode: real threads, many invocations; scaled by {@code -Dvakit.lincheck.scale}. */
    protected static StressOptions stressOptions() {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        return new StressOptions().iterations(30 * scale).invocationsPerIteration(2_000).threads(2)
                .actorsPerThread(4).sequentialSpecification(HeldBlocksModel.class);
    }

    /** Model checking: Lincheck chooses the interleavings at on-heap synchronisation points. */
    protected static ModelCheckingOptions modelCheckingOptions() {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        return new ModelCheckingOptions().iterations(10 * scale).invocationsPerIteration(200).threads(2)
                .actorsPerThread(3).sequentialSpecification(HeldBlocksModel.class);
    }
}
