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
 * A row's slice list and a class's set of pools with room are made when first used: a thread that uses three classes
 * pays for three sets.
 */
final class ThreadHeap {
    final Thread thread;
    final ReentrantLock lock = new ReentrantLock();
    final DeferredQueue deferred = new DeferredQueue();
    private final List<?>[] slices = new List<?>[PartitionsConfig.ROWS];
    private final LinkedHashSet<?>[] withRoom = new LinkedHashSet<?>[PartitionClasses.COUNT];
    final Pool[] retained = new Pool[PartitionClasses.COUNT];
    /** Set once another heap adopted this one: nothing of it is left. */
    boolean adopted;

    ThreadHeap(Thread thread) {
        this.thread = thread;
    }

    /** Partition {@code k}'s slices of this heap. */
    @SuppressWarnings("unchecked")
    List<Slice> row(int k) {
        if (slices[k] == null) {
            slices[k] = new ArrayList<Slice>();
        }
        return (List<Slice>) slices[k];
    }

    /** Class {@code c}'s pools of this heap that have a free item. */
    @SuppressWarnings("unchecked")
    LinkedHashSet<Pool> room(int c) {
        if (withRoom[c] == null) {
            withRoom[c] = new LinkedHashSet<Pool>();
        }
        return (LinkedHashSet<Pool>) withRoom[c];
    }

    /** Every slice of this heap, partition by partition. */
    List<Slice> allSlices() {
        List<Slice> all = new ArrayList<>();
        for (int k = 0; k < slices.length; k++) {
            if (slices[k] != null) {
                all.addAll(row(k));
            }
        }
        return all;
    }

    /** Whether partition {@code k} has a slice list yet. */
    boolean hasRow(int k) {
        return slices[k] != null;
    }

    /** Whether class {@code c} has a set of pools with room yet. */
    boolean hasRoom(int c) {
        return withRoom[c] != null;
    }
}
