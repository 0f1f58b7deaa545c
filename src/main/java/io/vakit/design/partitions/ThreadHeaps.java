package io.vakit.design.partitions;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The heaps of the threads that have used the allocator, by thread and in the order they were made, and the adoption
 * of the heaps of threads that have ended: the next thread that needs memory takes over one ended heap at a time, the
 * oldest first, so that the slices of ended threads spread over the threads that need memory instead of piling up in
 * the first one. A heap is made by its own thread only; the list is copied on the rare write and walked without a lock.
 */
final class ThreadHeaps {
    private final ConcurrentHashMap<Long, ThreadHeap> byThread = new ConcurrentHashMap<>();
    private final List<ThreadHeap> inOrder = new CopyOnWriteArrayList<>();
    private final PartitionsSpace space;
    private final BlockLocator locator;

    ThreadHeaps(PartitionsSpace space, BlockLocator locator) {
        this.space = space;
        this.locator = locator;
    }

    /** The calling thread's heap; a new one first adopts the heap of a thread that has ended, if there is one. */
    ThreadHeap current() {
        Thread t = Thread.currentThread();
        ThreadHeap h = byThread.get(t.threadId());
        if (h == null) {
            h = new ThreadHeap(t, space, locator, this);
            byThread.put(t.threadId(), h); // only this thread makes its heap
            inOrder.add(h);
            adoptEnded(h);
        }
        return h;
    }

    /** Every heap not adopted yet, oldest first. */
    List<ThreadHeap> all() {
        return inOrder;
    }

    /** Adopts one heap whose thread has ended into {@code into}, if there is one. */
    void adoptEnded(ThreadHeap into) {
        for (ThreadHeap h : inOrder) {
            if (h != into && !h.adopted && !h.thread.isAlive()) {
                adopt(h, into);
                return;
            }
        }
    }

    /** {@code into} takes over {@code ended}, under both heaps' locks (the ended one's first). */
    private void adopt(ThreadHeap ended, ThreadHeap into) {
        ended.lock.lock();
        try {
            if (ended.adopted) {
                return;
            }
            into.lock.lock();
            try {
                ended.handOverTo(into);
                byThread.remove(ended.thread.threadId(), ended);
                inOrder.remove(ended);
            } finally {
                into.lock.unlock();
            }
        } finally {
            ended.lock.unlock();
        }
    }
}
