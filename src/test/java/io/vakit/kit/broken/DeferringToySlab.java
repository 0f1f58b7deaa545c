package io.vakit.kit.broken;

import io.vakit.spi.DesignDescriptor;
import java.util.ArrayDeque;

/**
 * The toy slab with remote frees deferred, as a per-thread allocator defers them: a free from a thread other than the
 * one that opened the allocator marks the slot freed at once (a second free is refused) and queues it; the owner puts
 * the queued slots back on their pages before its next allocation. Correct as written; a planted bug built on it
 * changes one step.
 */
class DeferringToySlab extends ToySlabAllocator {
    private final Thread owner = Thread.currentThread();
    private final ArrayDeque<Object[]> queued = new ArrayDeque<>();

    DeferringToySlab(DesignDescriptor descriptor, boolean small) {
        super(descriptor, small);
    }

    /** True on the thread that opened the allocator. */
    protected final boolean onOwner() {
        return Thread.currentThread() == owner;
    }

    @Override
    protected void freeSmall(Page p, int index, long size, String op) {
        if (onOwner()) {
            super.freeSmall(p, index, size, op);
            return;
        }
        synchronized (lockOf(p.cls)) {
            checkLive(p, index, size, op);
            p.live.clear(index); // freed now: a second free is refused
        }
        uncount(size);
        synchronized (queued) {
            queued.add(new Object[] {p, index, size});
        }
    }

    /** True while slot {@code index} of page {@code p} waits in the owner's queue. */
    protected final boolean queued(Page p, int index) {
        synchronized (queued) {
            return queued.stream().anyMatch(q -> q[0] == p && (int) q[1] == index);
        }
    }

    @Override
    protected long allocateSmall(int cls, long size, String op) {
        if (onOwner()) {
            takeQueueBack();
        }
        return allocateWithoutTakingBack(cls, size, op);
    }

    /** The toy's own allocation, with nothing taken back from the queue. */
    protected final long allocateWithoutTakingBack(int cls, long size, String op) {
        return super.allocateSmall(cls, size, op);
    }

    /** Puts every queued slot back on its page's free list: the owner's step before it allocates. */
    protected final void takeQueueBack() {
        while (true) {
            Object[] q;
            synchronized (queued) {
                q = queued.poll();
            }
            if (q == null) {
                return;
            }
            Page p = (Page) q[0];
            int index = (int) q[1];
            long bytes = (long) q[2];
            synchronized (lockOf(p.cls)) {
                p.live.set(index); // freeSlot clears it again
                count(bytes); // and uncounts it again
                freeSlot(p, index, bytes);
            }
        }
    }
}
