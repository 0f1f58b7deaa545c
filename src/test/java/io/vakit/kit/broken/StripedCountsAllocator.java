package io.vakit.kit.broken;

import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The toy slab allocator with its live counters striped per thread, as an author removes a contended atomic from the
 * fast path: each thread counts the blocks it allocates and frees on its own stripe, and {@code stats()} adds the
 * stripes up. The slip: so that the list does not grow with every thread that ever allocated, {@code stats()} drops
 * the stripes of threads that have ended, and their counts with them. A block served on a thread that has ended is
 * live, yet no longer counted.
 */
class StripedCountsAllocator extends ToySlabAllocator {
    /** One thread's counts: written by that thread only. */
    private record Stripe(Thread thread, AtomicLong count, AtomicLong bytes) {}

    private final List<Stripe> stripes = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Stripe> mine = ThreadLocal.withInitial(() -> {
        Stripe s = new Stripe(Thread.currentThread(), new AtomicLong(), new AtomicLong());
        stripes.add(s);
        return s;
    });

    StripedCountsAllocator(DesignDescriptor descriptor, boolean small) {
        super(descriptor, small);
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        MemorySegment block = super.allocate(byteSize, byteAlignment);
        add(1, byteSize);
        return block;
    }

    @Override
    public void free(MemorySegment block) {
        super.free(block);
        add(-1, -block.byteSize());
    }

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        MemorySegment moved = super.reallocate(block, newSize);
        add(0, newSize - block.byteSize());
        return moved;
    }

    private void add(long count, long bytes) {
        Stripe s = mine.get();
        s.count().addAndGet(count);
        s.bytes().addAndGet(bytes);
    }

    @Override
    public Stats stats() {
        Stats s = super.stats();
        stripes.removeIf(stripe -> !stripe.thread().isAlive()); // a thread that has ended allocates no more
        long count = 0;
        long bytes = 0;
        for (Stripe stripe : stripes) {
            count += stripe.count().get();
            bytes += stripe.bytes().get();
        }
        return new Stats(s.reservedBytes(), s.committedBytes(), bytes, count);
    }
}
