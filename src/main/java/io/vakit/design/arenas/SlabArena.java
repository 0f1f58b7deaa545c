package io.vakit.design.arenas;

import io.vakit.pal.VirtualMemory;
import io.vakit.pal.VirtualMemoryException;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A slab arena (the seed's arenas 0 to 2): reservations of fixed slots of the arena's largest size, each with a
 * binmap of used slots. An allocation takes the lowest free slot of the first reservation with one; a new
 * reservation comes when all are full. A free clears the slot's bit, and refuses a slot whose bit is already clear
 * (a double free: the seed's code counts it free again). A page of slots is committed when its first slot is taken;
 * when its last is freed it becomes the arena's {@link Spare} page, decommitted when another page empties unless a
 * slot is taken from it first. An emptied reservation is released unless it is the arena's last.
 * Thread-safe: one lock guards the arena.
 */
final class SlabArena {
    final int index;
    final long slot;
    final long reservationBytes;
    final ReentrantLock lock = new ReentrantLock();
    private final ArenasSpace space;
    private final List<ArenaReservation> reservations = new ArrayList<>();
    private final long page = VirtualMemory.pageSize();
    private final Commits commits;
    private final Spare spare;
    private boolean used;

    SlabArena(int index, long slot, long reservationBytes, ArenasSpace space, Commits commits) {
        this.index = index;
        this.slot = slot;
        this.reservationBytes = reservationBytes;
        this.space = space;
        this.commits = commits;
        this.spare = new Spare(commits);
    }

    /** The lowest free slot of the first reservation that has one, in a new reservation when none has. */
    long allocate(String design, String op) {
        lock.lock();
        try {
            ArenaReservation r = null;
            for (ArenaReservation c : reservations) {
                if (c.slab.slots.count() < c.slab.capacity) {
                    r = c;
                    break;
                }
            }
            boolean added = r == null;
            long spaceMark = space.metaMark();
            if (added) {
                r = space.reserve(index, reservationBytes, slot, op);
                reservations.add(r);
            }
            long i = r.slab.slots.findFree();
            long p = (i * slot) / page;
            long pageStart = r.base() + p * page;
            if (r.slab.pageCount(p) == 0 && spare.overlap(r, pageStart, pageStart + page) == 0) {
                try {
                    r.data.commit(p * page, page); // before any bit is set: a commit that fails changes nothing
                } catch (VirtualMemoryException e) {
                    if (added) {
                        reservations.remove(r);
                        space.release(r);
                        space.rollbackMeta(spaceMark);
                    }
                    throw new AddressSpaceExhaustedException(design, op, "could not commit the page at 0x"
                            + Long.toHexString(pageStart) + " of the " + slot + "-byte slab: " + e.getMessage(), e);
                }
                commits.add(page);
            }
            used = true;
            r.slab.slots.set(i);
            if (r.slab.addToPage(p, 1) == 1) {
                spare.claim(r, pageStart, pageStart + page);
            }
            return r.base() + i * slot;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees the slot at {@code address} of {@code r} (the caller found {@code r} by the address, and checked that
     * the size is of this arena's class).
     *
     * @throws InvalidFreeException for an address inside a slot, or a free slot
     */
    void free(ArenaReservation r, long address, String design, String op) {
        lock.lock();
        try {
            long i = requireLive(r, address, design, op);
            r.slab.slots.clear(i);
            long p = (i * slot) / page;
            if (r.slab.addToPage(p, -1) == 0) {
                spare.keep(r, r.base() + p * page, r.base() + (p + 1) * page);
            }
            if (r.slab.slots.count() == 0 && reservations.size() > 1) {
                spare.released(r);
                reservations.remove(r);
                space.release(r);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The slot index of the live slot starting at {@code address}, or the refusal a free of it gets. */
    long requireLive(ArenaReservation r, long address, String design, String op) {
        lock.lock();
        try {
            if (r.released) {
                throw new InvalidFreeException(design, op, Reason.UNKNOWN, "the reservation at 0x"
                        + Long.toHexString(r.base()) + " was released");
            }
            long offset = address - r.base();
            long i = offset / slot;
            if (offset % slot != 0) {
                throw new InvalidFreeException(design, op, r.slab.slots.get(i) ? Reason.INTERIOR : Reason.UNKNOWN,
                        "not a slot start of the " + slot + "-byte slab at 0x" + Long.toHexString(r.base()));
            }
            if (!r.slab.slots.get(i)) {
                throw new InvalidFreeException(design, op, Reason.DOUBLE, "slot " + i + " of the " + slot
                        + "-byte slab at 0x" + Long.toHexString(r.base()) + " is free");
            }
            return i;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the slot holding {@code address} of {@code r} is live; its start then, else -1. */
    long liveSlotStart(ArenaReservation r, long address) {
        lock.lock();
        try {
            if (r.released) {
                return -1;
            }
            long i = (address - r.base()) / slot;
            return r.slab.slots.get(i) ? r.base() + i * slot : -1;
        } finally {
            lock.unlock();
        }
    }

    /** Whether a reservation was ever made: an idle arena keeps one reservation's bookkeeping. */
    boolean used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }
}
