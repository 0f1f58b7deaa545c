package io.vakit.ds;

import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import java.lang.foreign.MemorySegment;

/**
 * Bump allocation for start-up data (seed 000's init heap): one reservation, a bump offset, and commits in
 * granules as the offset grows. Nothing is freed one by one: {@link #reset()} drops everything (decommitting it),
 * {@link #close()} releases the reservation. Not thread-safe: start-up runs on one thread.
 */
public final class InitArena implements AutoCloseable {
    private final Reservation space;
    private final long granule;
    private long used;
    private long committed;
    private boolean closed;

    /**
     * An arena of {@code capacity} bytes that commits {@code granule} bytes at a time.
     *
     * @param capacity a positive multiple of the granule
     * @param granule a multiple of the page size
     */
    public InitArena(VirtualMemory vm, long capacity, long granule) {
        long page = VirtualMemory.pageSize();
        if (granule <= 0 || granule % page != 0 || capacity <= 0 || capacity % granule != 0) {
            throw new IllegalArgumentException("InitArena(capacity=" + capacity + ", granule=" + granule
                    + "): the granule must be a multiple of the page size " + page
                    + " and the capacity a positive multiple of the granule");
        }
        this.space = vm.reserve(capacity);
        this.granule = granule;
    }

    /**
     * Bumps out {@code size} bytes aligned to {@code alignment}, committing what the new end needs.
     *
     * @throws IllegalArgumentException for a size below 1 or an alignment that is not a power of two
     * @throws OutOfSpaceException when the reservation cannot hold it; nothing changes
     */
    public MemorySegment allocate(long size, long alignment) {
        String op = "InitArena allocate(size=" + size + ", alignment=" + alignment + ")";
        checkOpen(op);
        if (size < 1 || alignment < 1 || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException(op + ": size must be >= 1 and alignment a power of two");
        }
        long start = (space.base() + used + alignment - 1 & -alignment) - space.base();
        if (start < 0 || start > space.size() - size) {
            throw new OutOfSpaceException(op, used + " of " + space.size() + " bytes used; the request does not fit");
        }
        long end = start + size;
        if (end > committed) {
            long newCommitted = (end + granule - 1) / granule * granule;
            space.commit(committed, newCommitted - committed);
            committed = newCommitted;
        }
        used = end;
        return space.segment(start, size);
    }

    /** Bytes bumped so far, padding included. */
    public long used() {
        return used;
    }

    /** Bytes committed. */
    public long committed() {
        return committed;
    }

    /** The first address of the reservation. */
    public long base() {
        return space.base();
    }

    /** Bytes reserved. */
    public long capacity() {
        return space.size();
    }

    /** True when {@code [address, address + length)} lies in the reservation. */
    public boolean contains(long address, long length) {
        return space.contains(address, length);
    }

    /** Drops every allocation and decommits the memory; the next allocation starts at the base again. */
    public void reset() {
        checkOpen("InitArena reset()");
        if (committed > 0) {
            space.decommit(0, committed);
        }
        used = 0;
        committed = 0;
    }

    /** Releases the reservation; later calls raise {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            space.close();
        }
    }

    private void checkOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + ": the arena is closed");
        }
    }
}
