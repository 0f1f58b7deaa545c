package io.vakit.kit.lincheck;

import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Feature;
import io.vakit.spi.InvalidFreeException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;

/**
 * Linearizability of allocate, free and owner lookup from several threads, against {@link AllocatorSpec}, a model
 * with state the allocator can get wrong. Each scenario starts from an allocator already at the edges where races
 * live ({@link EdgeSetup}): the container of class {@code c} is exactly full, so the scenario's next allocation
 * must refill, and handles 0 and 1 are blocks of it, whose frees go into a full container; handles 2 and 3 are
 * the only blocks of the next class's container, so freeing both empties it (and may release it while the other
 * thread refills). The scenario allocates at class {@code c}'s two edges: one byte above the class below, and the
 * class itself; the handles of the next class have its lowest size, one byte above {@code c}.
 *
 * <ul>
 *   <li>{@code alloc(edge)}: {@code "class"} when the block's usable size is the declared class size (at least the
 *       request without a table), else what it was; {@code "overlap"} when its address is that of a block still
 *       live (one the scenario allocated, or one of the setup's that it never frees); {@code "exhausted"} when
 *       refused for space.
 *   <li>{@code free(handle)}: {@code "ok"}; {@code "corrupt"} when the block no longer held its stamp (another
 *       thread was given memory inside it); {@code "refused"} when it was freed before (a double free of handle 2
 *       or 3 raced from two threads must be refused by the allocator exactly once, where a table is declared).
 *   <li>{@code owner(handle)}, where {@link Feature#OWNER_LOOKUP} is declared: {@code "live"} when a block that
 *       stays live is found with its own start, whatever races around it.
 * </ul>
 *
 * <p>After each scenario the allocator's live count must agree with what the scenario left live.
 *
 * <p>A subclass names the implementation with a public no-argument constructor; Lincheck creates one instance per
 * scenario, and each opens its own allocator (the previous one is closed then).
 */
@Param(name = "edge", gen = IntGen.class, conf = "0:1")
@Param(name = "handle", gen = IntGen.class, conf = "0:3")
public abstract class AllocatorLincheck {
    private static final Object LOCK = new Object();
    private static Allocator previous;

    private final Allocator allocator;
    private final EdgeSetup setup;
    private final boolean ownerDeclared;
    private final List<MemorySegment> allocated = new ArrayList<>();
    private final AtomicLong frees = new AtomicLong();
    private final AtomicBoolean[] freedOnce = {new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean(),
        new AtomicBoolean()};

    /** Opens an allocator of {@code provider}'s design for this scenario and brings it to the edges. */
    protected AllocatorLincheck(AllocatorProvider provider) {
        this(provider, Long.MAX_VALUE);
    }

    /**
     * The same, for an implementation that serves no request above {@code largest} bytes although it does not say
     * so in its descriptor (a native pool of fixed slots).
     */
    protected AllocatorLincheck(AllocatorProvider provider, long largest) {
        this.allocator = provider.open();
        // Lincheck runs invocations one at a time and closes none: close the previous one here, so memory (and a
        // native pool's slots) come back at once, not when the GC runs.
        synchronized (LOCK) {
            if (previous != null) {
                previous.close();
            }
            previous = allocator;
        }
        this.setup = EdgeSetup.prepare(allocator, largest);
        this.ownerDeclared = provider.descriptor().has(Feature.OWNER_LOOKUP);
        AllocatorSpec.ownerDeclared = ownerDeclared;
    }

    /** Allocates at one of the class's edges and stamps the block, which stays live until the allocator closes. */
    @Operation
    public String alloc(@Param(name = "edge") int edge) {
        long size = setup.size(edge);
        MemorySegment block;
        try {
            block = allocator.allocate(size);
        } catch (AddressSpaceExhaustedException e) {
            return "exhausted";
        }
        String verdict = setup.judgeClass(allocator, block, edge);
        EdgeSetup.stamp(block, (byte) 0x5A);
        boolean again;
        synchronized (allocated) {
            again = allocated.stream().anyMatch(b -> b.address() == block.address());
            allocated.add(block);
        }
        return again || setup.neverFreed(block.address()) ? "overlap" : verdict;
    }

    /**
     * Frees handle {@code handle} after checking its stamp. Handles 0 and 1 are in the class the scenario allocates
     * from, so a later allocation may rightly reuse their addresses, which makes a second free of them a legal free
     * of the new block: the test frees each of them once and answers {@code "refused"} itself after that. Handles 2
     * and 3 are in a class the scenario never allocates: where a size-class table is declared, the allocator alone
     * decides their second free. Without a table nothing keeps an allocation of another size from reusing their
     * addresses (glibc splits freed chunks), so the test claims them once too.
     */
    @Operation
    public String free(@Param(name = "handle") int handle) {
        if (!setup.allocatorDecidesSecondFree(handle) && !freedOnce[handle].compareAndSet(false, true)) {
            return "refused";
        }
        MemorySegment block = setup.handle(handle);
        boolean intact = setup.intact(handle);
        try {
            allocator.free(block);
        } catch (InvalidFreeException e) {
            return "refused";
        }
        frees.incrementAndGet();
        return intact ? "ok" : "corrupt";
    }

    /**
     * Where owner lookup is declared: whether one of the two blocks that stay live in the full container (chosen by
     * {@code handle}'s parity) is still found, with its own start, while the others race around it. A freed handle
     * is not looked up: a later allocation may rightly reuse its address.
     */
    @Operation
    public String owner(@Param(name = "handle") int handle) {
        if (!ownerDeclared) {
            return "n/a";
        }
        MemorySegment kept = setup.kept(handle & 1);
        return allocator.owner(kept.address()).filter(b -> b.start() == kept.address()).isPresent() ? "live" : "none";
    }

    /**
     * After every scenario: the allocator's live count is what the scenario left live (the setup's blocks, plus the
     * allocations, minus the frees it accepted). A free lost in a race, or one accepted twice, shows here.
     */
    @Validate
    public void liveCountAgrees() {
        long expected;
        synchronized (allocated) {
            expected = setup.blocks() + allocated.size() - frees.get();
        }
        long actual = allocator.stats().liveCount();
        if (actual != expected) {
            throw new IllegalStateException("live count " + actual + " after the scenario, expected " + expected
                    + " (" + setup.blocks() + " set up, " + allocated.size() + " allocated, " + frees.get() + " freed)");
        }
    }

    /** Stress mode: real threads, many invocations; scaled by {@code -Dvakit.lincheck.scale}. */
    public static StressOptions stressOptions() {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        return new StressOptions().iterations(20 * scale).invocationsPerIteration(500).threads(2)
                .actorsPerThread(3).sequentialSpecification(AllocatorSpec.class);
    }

    /** Model checking: Lincheck chooses the interleavings at on-heap synchronisation points. */
    public static ModelCheckingOptions modelCheckingOptions() {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        return new ModelCheckingOptions().iterations(8 * scale).invocationsPerIteration(100).threads(2)
                .actorsPerThread(3).sequentialSpecification(AllocatorSpec.class);
    }
}
