package io.vakit.ds;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The gate every operation of a thread-safe allocator passes while it touches the allocator's memory, and that
 * {@link #close} shuts: close waits until the operations inside have left, releases the memory while none can enter,
 * and every later {@link #enter} is refused. A volatile "closed" flag alone is not enough: an operation past its check
 * would go on to touch memory that close is unmapping. Operations may nest (a reallocation's move allocates and frees
 * inside its own pass).
 */
public final class CloseGate {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /** Enters the gate; false (and not entered) when it is shut. Each true is paired with one {@link #exit}. */
    public boolean enter() {
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            return false;
        }
        return true;
    }

    /** Leaves the gate entered by this thread. */
    public void exit() {
        lock.readLock().unlock();
    }

    /**
     * Shuts the gate: waits for the operations inside to leave, then runs {@code release} while none can enter. Only
     * the first close releases; a close racing it returns once the release is done.
     *
     * @return true for the close that released
     */
    public boolean close(Runnable release) {
        lock.writeLock().lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            release.run();
            return true;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** True once shut. */
    public boolean isClosed() {
        lock.readLock().lock();
        try {
            return closed;
        } finally {
            lock.readLock().unlock();
        }
    }
}
