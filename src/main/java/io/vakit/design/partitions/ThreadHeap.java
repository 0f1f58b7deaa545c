package io.vakit.design.partitions;

import io.vakit.ds.DeferredQueue;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One thread's memory: its slices per partition, its pools with room per class, the one empty pool it keeps per
 * class, and the queue of frees other threads made of its blocks. Its lock is taken by its thread for every
 * operation, and by another thread only to mark one of its blocks freed (or to adopt it once its thread has ended).
 */
final class ThreadHeap {
    final Thread thread;
    final ReentrantLock lock = new ReentrantLock();
    final DeferredQueue deferred = new DeferredQueue();
    final List<List<Slice>> slices = new ArrayList<>();
    final List<LinkedHashSet<Pool>> withRoom = new ArrayList<>();
    final Pool[] retained = new Pool[PartitionClasses.COUNT];
    /** Set once another heap adopted this one: nothing of it is left. */
    boolean adopted;

    ThreadHeap(Thread thread) {
        this.thread = thread;
        for (int k = 0; k < PartitionsConfig.ROWS; k++) {
            slices.add(new ArrayList<>());
        }
        for (int c = 0; c < PartitionClasses.COUNT; c++) {
            withRoom.add(new LinkedHashSet<>());
        }
    }
}
