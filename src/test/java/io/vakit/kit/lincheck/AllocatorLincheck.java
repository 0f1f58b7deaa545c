package io.vakit.kit.lincheck;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
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
    private static final AtomicInteger STAMPS = new AtomicInteger();
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

    private record Held(MemorySegment block, byte stamp) {}

    private final Allocator allocator;
    private final ArrayDeque<Held> held = new ArrayDeque<>();

    /** Opens an allocator of {@code provider}'s design for this scenario. */
    protected AllocatorLincheck(AllocatorProvider provider) {
        this.allocator = provider.open();
        CLEANER.register(this, allocator::close); // Lincheck makes thousands of instances and closes none
    }

    /** Allocates {@code size} bytes and stamps them; the block is held by the test until a {@link #free}. */
    @Operation
    public String alloc(@Param(name = "size") int size) {
        MemorySegment block = allocator.allocate(size);
        byte stamp = (byte) (1 + Math.floorMod(STAMPS.incrementAndGet(), 255));
        block.fill(stamp);
        synchronized (held) {
            held.push(new Held(block, stamp));
        }
        return "ok";
    }

    /** Frees a held block after checking its stamp. */
    @Operation
    public String free() {
        Held h;
        synchronized (held) {
            h = held.poll();
        }
        if (h == null) {
            return "none";
        }
        boolean intact = h.block().elements(java.lang.foreign.ValueLayout.JAVA_BYTE)
                .allMatch(b -> b.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0) == h.stamp());
        allocator.free(h.block());
        return intact ? "ok" : "corrupt";
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
