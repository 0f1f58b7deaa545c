package io.vakit.ds;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The thread-safe form of {@link Binmap}: every operation holds one on-heap lock. The lock discipline is the one
 * the seeds' designs use (a structure belongs to its owner, and the owner's lock guards it); keeping the lock on
 * the heap also lets Lincheck's model checking explore its interleavings.
 */
public final class LockedBinmap implements AutoCloseable {
    private final Binmap map;
    private final ReentrantLock lock = new ReentrantLock();

    /** Guards {@code map}; the caller no longer touches it directly. */
    public LockedBinmap(Binmap map) {
        this.map = map;
    }

    /** {@link Binmap#set}. */
    public boolean set(long i) {
        lock.lock();
        try {
            return map.set(i);
        } finally {
            lock.unlock();
        }
    }

    /** {@link Binmap#clear}. */
    public boolean clear(long i) {
        lock.lock();
        try {
            return map.clear(i);
        } finally {
            lock.unlock();
        }
    }

    /** {@link Binmap#get}. */
    public boolean get(long i) {
        lock.lock();
        try {
            return map.get(i);
        } finally {
            lock.unlock();
        }
    }

    /** {@link Binmap#findAndSet}: no two threads ever claim the same bit. */
    public long findAndSet() {
        lock.lock();
        try {
            return map.findAndSet();
        } finally {
            lock.unlock();
        }
    }

    /** {@link Binmap#count}. */
    public long count() {
        lock.lock();
        try {
            return map.count();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        map.close();
    }
}
