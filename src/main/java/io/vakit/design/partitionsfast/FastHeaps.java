package io.vakit.design.partitionsfast;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The heaps of the threads that allocate, reached without a lock or a map lookup on the fast path: a direct-mapped
 * table indexed by the low bits of the thread's id holds the heap of the thread that last claimed its slot, checked
 * against the calling thread. Two live threads whose ids share the low bits take turns through a concurrent map (the
 * slow path). The heap of an ended thread is adopted by the next thread that opens a heap or needs a new slice.
 */
final class FastHeaps {
    private static final int SLOTS = 256;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(FastHeap[].class);

    private final FastHeap[] slots = new FastHeap[SLOTS];
    private final ConcurrentHashMap<Thread, FastHeap> byThread = new ConcurrentHashMap<>();
    private final List<FastHeap> inOrder = new CopyOnWriteArrayList<>();
    private final FastSpace space;

    FastHeaps(FastSpace space) {
        this.space = space;
    }

    /** The calling thread's heap. */
    FastHeap current() {
        Thread t = Thread.currentThread();
        FastHeap h = (FastHeap) SLOT.getAcquire(slots, (int) t.threadId() & (SLOTS - 1));
        return h != null && h.thread == t ? h : slow(t);
    }

    /** The heap of {@code t} if its slot holds it, else null: never makes one. */
    FastHeap cached(Thread t) {
        FastHeap h = (FastHeap) SLOT.getAcquire(slots, (int) t.threadId() & (SLOTS - 1));
        return h != null && h.thread == t ? h : null;
    }

    private FastHeap slow(Thread t) {
        FastHeap h = byThread.get(t);
        if (h == null) {
            h = new FastHeap(t, space, this);
            byThread.put(t, h); // only this thread makes its heap
            inOrder.add(h);
            adoptEnded(h);
        }
        int i = (int) t.threadId() & (SLOTS - 1);
        FastHeap there = (FastHeap) SLOT.getAcquire(slots, i);
        if (there == null || !there.thread.isAlive()) {
            SLOT.compareAndSet(slots, i, there, h);
        }
        return h;
    }

    /** Every heap not adopted yet, oldest first. */
    List<FastHeap> all() {
        return inOrder;
    }

    /** Adopts one heap whose thread has ended into {@code into}, if there is one. In the gate. */
    void adoptEnded(FastHeap into) {
        for (FastHeap h : inOrder) {
            if (h != into && !h.thread.isAlive() && h.adopted.compareAndSet(false, true)) {
                if (!space.gate.enter()) {
                    return; // closed: nothing to hand over
                }
                try {
                    h.handOverTo(into);
                } finally {
                    space.gate.exit();
                }
                byThread.remove(h.thread, h);
                inOrder.remove(h);
                int i = (int) h.thread.threadId() & (SLOTS - 1);
                SLOT.compareAndSet(slots, i, h, null);
                return;
            }
        }
    }
}
