package io.vakit.design.arenas;

import io.vakit.pal.VirtualMemoryException;
import io.vakit.ds.BestFitIndex;
import io.vakit.ds.OrderedIndex;
import io.vakit.ds.Range;
import io.vakit.ds.RangeMap;
import io.vakit.pal.VirtualMemory;
import io.vakit.spi.AddressRange;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An object arena (the seed's arenas 3 to 7, and the whole of {@code arenas-default}): variable-size blocks, a
 * multiple of the arena's granule, cut from its reservations. Three off-heap structures hold its state: the free
 * ranges by (length, start), for best fit ({@link BestFitIndex}); the free ranges by address, for coalescing
 * ({@link RangeMap}); and the live blocks by start, with their footprint and requested size ({@link OrderedIndex}).
 *
 * <ul>
 *   <li>Allocation takes the smallest free range that holds the block (the lowest address among equal lengths);
 *       with an alignment above the granule, the smallest in which an aligned block fits. The block is cut from the
 *       range's start (or its first aligned address), and what is left before and after stays free.
 *   <li>A free merges the block with the free ranges that touch it in the same reservation: no two free ranges of a
 *       reservation are ever adjacent.
 *   <li>A page is committed while a live block touches it: a block's pages are committed when it is allocated;
 *       those no other live block touches become the arena's {@link Spare} when it is freed, decommitted when the
 *       next run replaces them, unless an allocation takes them first.
 *   <li>A reservation whose whole range is free again is released, unless it is the arena's last.
 * </ul>
 * Thread-safe: one lock guards the arena.
 */
final class ObjectArena {
    final int index;
    final long granule;
    final long reservationBytes;
    final ReentrantLock lock = new ReentrantLock();
    private final boolean grows;
    private final ArenasSpace space;
    private final Commits commits;
    private final BestFitIndex bySize;
    private final RangeMap byStart;
    private final OrderedIndex live;
    private final List<ArenaReservation> reservations = new ArrayList<>();
    private final Map<Long, ArenaReservation> byBase = new HashMap<>();
    private final long page = VirtualMemory.pageSize();
    private final long maxBlocks;
    private final Spare spare;

    /**
     * An arena of {@code granule}-byte units in reservations of {@code reservationBytes}; {@code grows} false for
     * one reservation only, made now ({@code arenas-default}); at most {@code maxBlocks} live blocks in at most
     * {@code maxReservations} reservations (the indexes are sized for them: a free range per block and reservation).
     */
    ObjectArena(int index, long granule, long reservationBytes, boolean grows, ArenasSpace space, Commits commits,
            long maxBlocks, long maxReservations) {
        this.index = index;
        this.granule = granule;
        this.reservationBytes = reservationBytes;
        this.grows = grows;
        this.space = space;
        this.commits = commits;
        this.maxBlocks = maxBlocks;
        this.spare = new Spare(commits);
        VirtualMemory vm = space.vm();
        long ranges = maxBlocks + maxReservations + 1;
        this.bySize = new BestFitIndex(vm, ranges);
        this.byStart = new RangeMap(vm, ranges);
        this.live = new OrderedIndex(vm, maxBlocks);
        if (!grows) {
            addReservation("open");
        }
    }

    /** The footprint of a request of {@code size} bytes: rounded up to the granule. */
    long footprint(long size) {
        return (size + granule - 1) / granule * granule;
    }

    /**
     * A block of {@code footprint} bytes aligned to {@code alignment} (at least the granule), for a request of
     * {@code size} bytes, in a new reservation when none has room.
     *
     * @throws AddressSpaceExhaustedException when no reservation has room and none can be made
     */
    long allocate(long footprint, long alignment, long size, String design, String op) {
        lock.lock();
        try {
            if (live.size() >= maxBlocks) {
                throw new AddressSpaceExhaustedException(design, op, "arena " + index + " holds its most live blocks, "
                        + maxBlocks);
            }
            ArenaReservation added = null;
            long spaceMark = space.metaMark();
            long[] marks = {bySize.committedBytes(), byStart.committedBytes(), live.committedBytes()};
            try {
                // the indexes' room first: after the commit below, nothing may fail
                bySize.ensureSpare(3);
                byStart.ensureSpare(3);
                live.ensureSpare(1);
                long[] fit = fit(footprint, Math.max(alignment, granule));
                if (fit == null) {
                    if (!grows) {
                        throw new AddressSpaceExhaustedException(design, op, "no free range of the " + reservationBytes
                                + "-byte reservation holds " + footprint + " bytes aligned to " + alignment);
                    }
                    added = addReservation(op);
                    fit = fit(footprint, Math.max(alignment, granule));
                    if (fit == null) {
                        throw new AddressSpaceExhaustedException(design, op, footprint + " bytes aligned to "
                                + alignment + " do not fit a " + reservationBytes + "-byte reservation");
                    }
                }
                long a = fit[0];
                commitPages(a, footprint);
                cut(fit, footprint);
                live.insert(a, 0, pack(footprint, size));
                return a;
            } catch (VirtualMemoryException | AddressSpaceExhaustedException e) {
                // refused: everything this call took goes back, so the allocator is as it was
                if (added != null) {
                    dropReservation(added);
                }
                bySize.rollback(marks[0]);
                byStart.rollback(marks[1]);
                live.rollback(marks[2]);
                space.rollbackMeta(spaceMark);
                if (e instanceof AddressSpaceExhaustedException x) {
                    throw x;
                }
                throw new AddressSpaceExhaustedException(design, op, "could not commit memory for " + footprint
                        + " bytes: " + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    private ArenaReservation addReservation(String op) {
        ArenaReservation r = space.reserve(index, reservationBytes, 0, op);
        reservations.add(r);
        byBase.put(r.base(), r);
        addFree(r.base(), r.bytes());
        return r;
    }

    /** Takes back a reservation this allocation added and could not use: whole and free, as it came. */
    private void dropReservation(ArenaReservation r) {
        removeFree(r.base(), r.bytes());
        spare.released(r);
        reservations.remove(r);
        byBase.remove(r.base());
        space.release(r);
    }

    /**
     * Where a block of {@code footprint} bytes at {@code alignment} goes in the best free range: {address, range
     * start, range length}, or null when no range holds it. Nothing is cut yet ({@link #cut}).
     */
    private long[] fit(long footprint, long alignment) {
        for (Optional<Range> c = bySize.bestFit(footprint); c.isPresent(); c = bySize.after(c.get())) {
            long start = c.get().start();
            long length = c.get().length();
            long a = (start + alignment - 1) & -alignment;
            if (a + footprint <= start + length) {
                return new long[] {a, start, length};
            }
        }
        return null;
    }

    /** Cuts the block {@link #fit} found from its free range, keeping the pieces before and after it free. */
    private void cut(long[] fit, long footprint) {
        long a = fit[0];
        long start = fit[1];
        long length = fit[2];
        removeFree(start, length);
        if (a > start) {
            addFree(start, a - start);
        }
        if (a + footprint < start + length) {
            addFree(a + footprint, start + length - a - footprint);
        }
    }

    /**
     * Frees the block at {@code address} of {@code r}, of {@code size} bytes as asked, and merges it with the free
     * ranges beside it in the same reservation; an emptied reservation goes back unless it is the last.
     *
     * @throws InvalidFreeException for an address that is not a live block's start, or a size other than the one
     *     the block was allocated with
     */
    void free(ArenaReservation r, long address, long size, String design, String op) {
        lock.lock();
        try {
            long footprint = footprintOf(requireLive(r, address, size, design, op));
            live.remove(address, 0);
            decommitPages(address, footprint);
            long start = address;
            long length = footprint;
            Optional<Range> before = byStart.endingAt(address);
            if (before.isPresent() && before.get().start() >= r.base()) {
                removeFree(before.get().start(), before.get().length());
                start = before.get().start();
                length += before.get().length();
            }
            Optional<Range> after = byStart.startingAt(address + footprint);
            if (after.isPresent() && after.get().start() < r.end()) {
                removeFree(after.get().start(), after.get().length());
                length += after.get().length();
            }
            if (grows && length == r.bytes() && reservations.size() > 1) {
                spare.released(r);
                reservations.remove(r);
                byBase.remove(r.base());
                space.release(r);
            } else {
                addFree(start, length);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The packed (footprint, size) of the live block starting at {@code address}, whose requested size must be
     * {@code size}; else the refusal a free of it gets. Returns the block's value.
     */
    long requireLive(ArenaReservation r, long address, long size, String design, String op) {
        lock.lock();
        try {
            if (r.released) {
                throw new InvalidFreeException(design, op, Reason.UNKNOWN, "the reservation at 0x"
                        + Long.toHexString(r.base()) + " was released");
            }
            Optional<OrderedIndex.Entry> b = live.get(address, 0);
            if (b.isPresent()) {
                long asked = sizeOf(b.get().value());
                if (asked != size) {
                    throw new InvalidFreeException(design, op, Reason.WRONG_SIZE, "the block at 0x"
                            + Long.toHexString(address) + " was allocated with " + asked + " bytes");
                }
                return b.get().value();
            }
            Optional<OrderedIndex.Entry> holder = live.floor(address, Long.MAX_VALUE);
            if (holder.isPresent() && holder.get().key() + footprintOf(holder.get().value()) > address) {
                throw new InvalidFreeException(design, op, Reason.INTERIOR, "inside the block at 0x"
                        + Long.toHexString(holder.get().key()));
            }
            boolean free = byStart.containing(address).isPresent() && address % granule == 0;
            throw new InvalidFreeException(design, op, free ? Reason.DOUBLE : Reason.UNKNOWN, "no live block starts"
                    + " here" + (free ? "; the address is free" : ""));
        } finally {
            lock.unlock();
        }
    }

    /** Records {@code size} as the requested size of the live block at {@code address} (a reallocation in place). */
    void resize(long address, long size) {
        lock.lock();
        try {
            long v = live.get(address, 0).orElseThrow().value();
            live.setValue(address, 0, pack(footprintOf(v), size));
        } finally {
            lock.unlock();
        }
    }

    /** The live block holding {@code address} as {start, footprint}, or empty. */
    Optional<long[]> blockAt(ArenaReservation r, long address) {
        lock.lock();
        try {
            if (r.released) {
                return Optional.empty();
            }
            return live.floor(address, Long.MAX_VALUE)
                    .filter(e -> e.key() + footprintOf(e.value()) > address)
                    .map(e -> new long[] {e.key(), footprintOf(e.value())});
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ pages

    private void commitPages(long a, long footprint) {
        long first = a & -page;
        long end = (a + footprint + page - 1) & -page;
        ArenaReservation r = byBase.get(a & -reservationBytes);
        long fresh = (end - first) / page - shared(a, footprint, first, end) - spare.overlap(r, first, end) / page;
        if (fresh > 0) {
            r.data.commit(first - r.base(), end - first); // pages already committed stay so; may fail, changing nothing
        }
        spare.claim(r, first, end); // committed already: no system call for them
        if (fresh > 0) {
            commits.add(fresh * page);
        }
    }

    /** The pages no other live block touches stop being touched: they become the arena's spare. */
    private void decommitPages(long a, long footprint) {
        long first = a & -page;
        long end = (a + footprint + page - 1) & -page;
        boolean lowShared = touchedBelow(a, first);
        boolean highShared = touchedAbove(a + footprint, end);
        long from = lowShared ? first + page : first;
        long to = highShared ? end - page : end;
        if (to > from) {
            spare.keep(byBase.get(a & -reservationBytes), from, to);
        }
    }

    /** How many of the block's pages another live block touches (its first, its last, or the one it is inside). */
    private int shared(long a, long footprint, long first, long end) {
        boolean low = touchedBelow(a, first);
        boolean high = touchedAbove(a + footprint, end);
        if (end - first == page) {
            return low || high ? 1 : 0;
        }
        return (low ? 1 : 0) + (high ? 1 : 0);
    }

    /** Whether a live block below {@code a} reaches into the page at {@code first}. */
    private boolean touchedBelow(long a, long first) {
        Optional<OrderedIndex.Entry> b = live.floor(a - 1, Long.MAX_VALUE);
        return b.isPresent() && b.get().key() + footprintOf(b.get().value()) > first;
    }

    /** Whether a live block at or above {@code end} starts before the page end {@code pageEnd}. */
    private boolean touchedAbove(long end, long pageEnd) {
        Optional<OrderedIndex.Entry> b = live.ceiling(end, Long.MIN_VALUE);
        return b.isPresent() && b.get().key() < pageEnd;
    }

    // ------------------------------------------------------------------ free ranges

    private void addFree(long start, long length) {
        bySize.add(new Range(start, length));
        byStart.add(new Range(start, length));
    }

    private void removeFree(long start, long length) {
        bySize.remove(new Range(start, length));
        byStart.remove(start);
    }

    static long pack(long footprint, long size) {
        return footprint << 32 | size;
    }

    static long footprintOf(long value) {
        return value >>> 32;
    }

    static long sizeOf(long value) {
        return value & 0xFFFF_FFFFL;
    }

    // ------------------------------------------------------------------ what the allocator reports

    /** The free ranges in address order, as {start, length}: for the design's own properties. */
    List<long[]> freeRanges() {
        lock.lock();
        try {
            List<long[]> out = new ArrayList<>();
            byStart.forEach(r -> out.add(new long[] {r.start(), r.length()}));
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** The reservations the arena holds. */
    int reservationCount() {
        lock.lock();
        try {
            return reservations.size();
        } finally {
            lock.unlock();
        }
    }

    /** The indexes' committed bytes: bookkeeping kept once grown. */
    long indexCommitted() {
        lock.lock();
        try {
            return bySize.committedBytes() + byStart.committedBytes() + live.committedBytes();
        } finally {
            lock.unlock();
        }
    }

    /** The indexes' reserved bytes. */
    long indexReserved() {
        return bySize.reservedBytes() + byStart.reservedBytes() + live.reservedBytes();
    }

    /** The indexes' ranges. */
    List<AddressRange> indexRanges() {
        return List.of(new AddressRange(bySize.base(), bySize.reservedBytes()),
                new AddressRange(byStart.base(), byStart.reservedBytes()),
                new AddressRange(live.base(), live.reservedBytes()));
    }

    /** Releases the indexes, at close (the space releases the reservations). */
    void close() {
        bySize.close();
        byStart.close();
        live.close();
    }
}
