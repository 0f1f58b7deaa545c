package io.vakit.kit.broken;

import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The toy slab allocator with per-thread counters, as a per-thread heap keeps them: each thread counts what it
 * allocated and what it freed, and {@code stats()} reports allocated minus freed over the threads. The stripe of a
 * thread that has ended is retired into a running total, so that the list does not grow with every thread. The slip:
 * the author reasons that a thread that ended leaves behind only the blocks it allocated, and retires its allocations
 * alone; the frees it made itself before it ended are dropped, so its blocks that it freed count as live again.
 */
class RetiresAllocationsOnlyAllocator extends ToySlabAllocator {
    /** One thread's counts: written by that thread only. */
    private record Stripe(Thread thread, AtomicLong allocated, AtomicLong allocatedBytes, AtomicLong freed,
            AtomicLong freedBytes) {}

    private final List<Stripe> stripes = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Stripe> mine = ThreadLocal.withInitial(() -> {
        Stripe s = new Stripe(Thread.currentThread(), new AtomicLong(), new AtomicLong(), new AtomicLong(),
                new AtomicLong());
        stripes.add(s);
        return s;
    });
    private long retiredLive;
    private long retiredBytes;

    RetiresAllocationsOnlyAllocator(DesignDescriptor descriptor, boolean small) {
        super(descriptor, small);
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        MemorySegment block = super.allocate(byteSize, byteAlignment);
        Stripe s = mine.get();
        s.allocated().incrementAndGet();
        s.allocatedBytes().addAndGet(byteSize);
        return block;
    }

    @Override
    public void free(MemorySegment block) {
        super.free(block);
        Stripe s = mine.get();
        s.freed().incrementAndGet();
        s.freedBytes().addAndGet(block.byteSize());
    }

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        MemorySegment moved = super.reallocate(block, newSize);
        mine.get().allocatedBytes().addAndGet(newSize - block.byteSize());
        return moved;
    }

    @Override
    public synchronized Stats stats() {
        Stats s = super.stats();
        for (Stripe stripe : stripes) {
            if (!stripe.thread().isAlive()) { // it allocates and frees no more: retire its blocks
                retiredLive += stripe.allocated().get();
                retiredBytes += stripe.allocatedBytes().get();
                stripes.remove(stripe);
            }
        }
        long count = retiredLive;
        long bytes = retiredBytes;
        for (Stripe stripe : stripes) {
            count += stripe.allocated().get() - stripe.freed().get();
            bytes += stripe.allocatedBytes().get() - stripe.freedBytes().get();
        }
        return new Stats(s.reservedBytes(), s.committedBytes(), bytes, count);
    }
}
