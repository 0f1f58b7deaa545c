package io.vakit.design.arenas;

import io.vakit.ds.OrderedIndex;
import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import io.vakit.pal.VirtualMemoryException;
import io.vakit.spi.AddressRange;
import io.vakit.spi.AddressSpaceExhaustedException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The reservations of one allocator: an ordered index from each reservation's base to its id (the seed keeps an AVL
 * tree of reservations; here {@link OrderedIndex}), the reservations by id, the address-space budget, and the
 * reservations released recently (so a free into one is reported as such, not as foreign memory). Its own lock
 * guards all of it; an arena takes it inside the arena's lock, never the other way round.
 */
final class ArenasSpace {
    private static final int RECENT = 4096;

    private final String design;
    private final VirtualMemory vm;
    private final long budget;
    private final ReentrantLock lock = new ReentrantLock();
    private final OrderedIndex byBase;
    private final List<ArenaReservation> byId = new ArrayList<>();
    private final List<Integer> freeIds = new ArrayList<>();
    private final Map<Long, Long> recentlyReleased = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > RECENT;
        }
    };
    private long reservedData;
    private long committedMeta;
    private long reservedMeta;

    ArenasSpace(String design, VirtualMemory vm, long budget, long maxReservations) {
        this.design = design;
        this.vm = vm;
        this.budget = budget;
        this.byBase = new OrderedIndex(vm, maxReservations);
    }

    VirtualMemory vm() {
        return vm;
    }

    /**
     * Reserves a reservation of {@code bytes} aligned to {@code bytes} for {@code arena} (with slab bookkeeping for
     * {@code slotBytes > 0}), within the budget, and registers it.
     *
     * @throws AddressSpaceExhaustedException when the budget or the kernel refuses; nothing changed then
     */
    ArenaReservation reserve(int arena, long bytes, long slotBytes, String op) {
        lock.lock();
        try {
            if (reservedData + bytes > budget) {
                throw new AddressSpaceExhaustedException(design, op, "a new " + bytes + "-byte reservation for arena "
                        + arena + " would pass the address-space budget of " + budget + " bytes (" + reservedData
                        + " reserved)");
            }
            Reservation data = null;
            SlabMeta meta = null;
            long mark = byBase.committedBytes();
            try {
                byBase.ensureSpare(1); // first: once the reservation is made, registering it cannot fail
                data = vm.reserve(bytes, bytes);
                if (slotBytes > 0) {
                    meta = new SlabMeta(vm, bytes / slotBytes, bytes / VirtualMemory.pageSize());
                }
            } catch (VirtualMemoryException e) {
                if (data != null) {
                    data.close();
                }
                byBase.rollback(mark);
                throw new AddressSpaceExhaustedException(design, op, "no address space for a " + bytes
                        + "-byte reservation of arena " + arena + ": " + e.getMessage(), e);
            }
            int id = freeIds.isEmpty() ? byId.size() : freeIds.removeLast();
            ArenaReservation r = new ArenaReservation(id, arena, data, meta);
            if (id == byId.size()) {
                byId.add(r);
            } else {
                byId.set(id, r);
            }
            byBase.insert(r.base(), 0, id);
            recentlyReleased.remove(r.base());
            reservedData += bytes;
            if (meta != null) {
                committedMeta += meta.mappingBytes();
                reservedMeta += meta.mappingBytes();
            }
            return r;
        } finally {
            lock.unlock();
        }
    }

    /** The bookkeeping's committed bytes now: a mark that {@link #rollbackMeta} goes back to. */
    long metaMark() {
        lock.lock();
        try {
            return byBase.committedBytes();
        } finally {
            lock.unlock();
        }
    }

    /** Decommits the index pages committed since {@code mark} that no entry uses (an allocation was refused). */
    void rollbackMeta(long mark) {
        lock.lock();
        try {
            byBase.rollback(mark);
        } finally {
            lock.unlock();
        }
    }

    /** Unregisters and unmaps {@code r}; called under its arena's lock. */
    void release(ArenaReservation r) {
        lock.lock();
        try {
            r.released = true;
            byBase.remove(r.base(), 0);
            byId.set(r.id, null);
            freeIds.add(r.id);
            recentlyReleased.put(r.base(), r.end());
            reservedData -= r.bytes();
            if (r.slab != null) {
                committedMeta -= r.slab.mappingBytes();
                reservedMeta -= r.slab.mappingBytes();
                r.slab.close();
            }
            r.data.close();
        } finally {
            lock.unlock();
        }
    }

    /** The reservation holding {@code address}, or empty. */
    Optional<ArenaReservation> find(long address) {
        lock.lock();
        try {
            return byBase.floor(address, Long.MAX_VALUE).map(e -> byId.get((int) e.value()))
                    .filter(r -> r.contains(address));
        } finally {
            lock.unlock();
        }
    }

    /** True when {@code address} lies in a reservation released recently. */
    boolean recentlyReleased(long address) {
        lock.lock();
        try {
            for (Map.Entry<Long, Long> e : recentlyReleased.entrySet()) {
                if (address >= e.getKey() && address < e.getValue()) {
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of data reservations. */
    long reservedData() {
        lock.lock();
        try {
            return reservedData;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes the space's own bookkeeping reserves: the slab mappings and the reservation index's pool. */
    long reservedMeta() {
        lock.lock();
        try {
            return reservedMeta + byBase.reservedBytes();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes the space's own bookkeeping has committed. */
    long committedMeta() {
        lock.lock();
        try {
            return committedMeta + byBase.committedBytes();
        } finally {
            lock.unlock();
        }
    }

    /** The index pool's committed bytes (kept once grown). */
    long indexCommitted() {
        lock.lock();
        try {
            return byBase.committedBytes();
        } finally {
            lock.unlock();
        }
    }

    /** Every range the space holds: the reservations, their slab bookkeeping, and the index's pool. */
    List<AddressRange> ranges() {
        lock.lock();
        try {
            List<AddressRange> out = new ArrayList<>();
            out.add(new AddressRange(byBase.base(), byBase.reservedBytes()));
            for (ArenaReservation r : byId) {
                if (r != null) {
                    out.add(new AddressRange(r.base(), r.bytes()));
                    if (r.slab != null) {
                        out.add(new AddressRange(r.slab.mappingBase(), r.slab.mappingBytes()));
                    }
                }
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Every reservation held now, in id order. */
    List<ArenaReservation> reservations() {
        lock.lock();
        try {
            return byId.stream().filter(java.util.Objects::nonNull).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Releases everything, at close. */
    void close() {
        lock.lock();
        try {
            for (ArenaReservation r : byId) {
                if (r != null) {
                    r.released = true;
                    if (r.slab != null) {
                        r.slab.close();
                    }
                    r.data.close();
                }
            }
            byId.clear();
            byBase.close();
        } finally {
            lock.unlock();
        }
    }
}
