package io.vakit.design.partitions;

import io.vakit.ds.Binmap;
import io.vakit.ds.DeferredQueue;
import io.vakit.spi.AddressSpaceExhaustedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One thread's memory, which it carves and gives back itself: its slices per partition, its pools with room per
 * class, the one empty pool it keeps per class, and the queue of frees other threads made of its blocks. Its lock is
 * taken by its thread for every operation, and by another thread only to mark one of its blocks freed (or to adopt
 * it once its thread has ended); every method here runs under it. A row's slice list and a class's set of pools with
 * room are made when first used: a thread that uses three classes pays for three sets.
 */
final class ThreadHeap {
    final Thread thread;
    final ReentrantLock lock = new ReentrantLock();
    final DeferredQueue deferred = new DeferredQueue();
    private final PartitionsSpace space;
    private final PartitionsConfig config;
    private final BlockLocator locator;
    private final ThreadHeaps heaps;
    private final PartitionClasses classes = new PartitionClasses();
    private final List<?>[] slices = new List<?>[PartitionsConfig.ROWS];
    private final LinkedHashSet<?>[] withRoom = new LinkedHashSet<?>[PartitionClasses.COUNT];
    private final Pool[] retained = new Pool[PartitionClasses.COUNT];
    /** Set once another heap adopted this one: nothing of it is left. */
    boolean adopted;

    ThreadHeap(Thread thread, PartitionsSpace space, BlockLocator locator, ThreadHeaps heaps) {
        this.thread = thread;
        this.space = space;
        this.config = space.config;
        this.locator = locator;
        this.heaps = heaps;
    }

    // ------------------------------------------------------------------ the lists

    /** Partition {@code k}'s slices of this heap. */
    @SuppressWarnings("unchecked")
    private List<Slice> row(int k) {
        if (slices[k] == null) {
            slices[k] = new ArrayList<Slice>();
        }
        return (List<Slice>) slices[k];
    }

    /** Class {@code c}'s pools of this heap that have a free item. */
    @SuppressWarnings("unchecked")
    private LinkedHashSet<Pool> room(int c) {
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

    // ------------------------------------------------------------------ carving

    /** An item of class {@code c}, from a pool with room or a new pool; returns its offset. */
    long item(int c, String op) {
        LinkedHashSet<Pool> room = room(c);
        Pool pool = room.isEmpty() ? newPool(c, op) : room.iterator().next();
        int i = (int) pool.used.findFree();
        pool.used.set(i);
        pool.live.set(i);
        pool.handedOut = Math.max(pool.handedOut, i + 1);
        if (retained[c] == pool) {
            retained[c] = null;
        }
        if (pool.full()) {
            room.remove(pool);
            pool.listed = false;
        }
        return pool.offset + i * pool.itemBytes;
    }

    /** A whole part of row {@code k} as one block; returns its offset. */
    long partBlock(int k, String op) {
        PartSlot slot = takePart(k, op);
        Slice.Part part = slot.slice.arena(slot.arena).part(slot.part);
        part.kind = Slice.PART;
        part.handedOut = true;
        part.state = Slice.LIVE;
        return locator.partOffset(slot.slice, slot.arena, slot.part);
    }

    /** A whole arena of row {@code k} as one block, committed; returns its offset. */
    long wholeArena(int k, String op) {
        Slice slice = null;
        long a = -1;
        while (slice == null) {
            for (Slice s : row(k)) {
                a = s.arenas.findFree();
                if (a >= 0) {
                    slice = s;
                    break;
                }
            }
            if (slice == null) {
                growSlices(k, op);
            }
        }
        long offset = slice.offset + a * config.arenaBytes(k);
        try {
            space.commit(offset, config.arenaBytes(k), op);
        } catch (RuntimeException e) {
            if (slice.units == 0) {
                dropSlice(slice); // claimed for this request
            }
            throw e;
        }
        slice.arenas.set(a);
        Slice.Arena arena = slice.arena((int) a);
        arena.kind = Slice.WHOLE;
        arena.state = Slice.LIVE;
        arena.handedOut = true;
        slice.units++;
        return offset;
    }

    /** A free part of row {@code k} in this heap's slices: the arena is cut into parts if new. */
    private record PartSlot(Slice slice, int arena, int part, boolean newArena) {}

    private PartSlot findPart(int k, String op) {
        while (true) {
            for (Slice s : row(k)) {
                for (int a = 0; a < s.arenaCount(); a++) {
                    Slice.Arena arena = s.arena(a);
                    if (arena.kind == Slice.PARTS && arena.partMap.count() < PartitionsConfig.PARTS) {
                        return new PartSlot(s, a, (int) arena.partMap.findFree(), false);
                    }
                }
            }
            for (Slice s : row(k)) {
                long a = s.arenas.findFree();
                if (a >= 0) {
                    return new PartSlot(s, (int) a, 0, true);
                }
            }
            growSlices(k, op);
        }
    }

    /**
     * One more slice of partition {@code k}: the slices of an ended thread's heap it adopts, or else one it claims;
     * when every slice is owned, exhaustion.
     */
    private void growSlices(int k, String op) {
        int before = row(k).size();
        heaps.adoptEnded(this);
        if (row(k).size() > before) {
            return;
        }
        Slice s = space.claimSlice(k, this, op);
        if (s == null) {
            throw space.exhausted(op, "every slice of partition " + k + " (" + config.slices()
                    + ") is owned by a thread", null);
        }
        row(k).add(s);
    }

    /** Takes a part of row {@code k}, committed; undoes everything if a step fails. */
    private PartSlot takePart(int k, String op) {
        PartSlot slot = findPart(k, op);
        Slice.Arena arena = slot.slice.arena(slot.arena);
        try {
            if (slot.newArena) {
                arena.openParts(space.binmap(PartitionsConfig.PARTS, op, "an arena's part binmap"));
                slot.slice.arenas.set(slot.arena);
            }
            space.commit(locator.partOffset(slot.slice, slot.arena, slot.part), config.partBytes(k), op);
        } catch (RuntimeException e) {
            if (slot.newArena && arena.kind == Slice.PARTS) {
                closeParts(slot.slice, slot.arena);
            }
            if (slot.slice.units == 0) {
                dropSlice(slot.slice); // claimed for this request
            }
            throw e;
        }
        arena.partMap.set(slot.part);
        slot.slice.units++;
        return slot;
    }

    private Pool newPool(int c, String op) {
        int k = PartitionClasses.row(c);
        PartSlot slot = takePart(k, op);
        long itemBytes = classes.size(c);
        int capacity = (int) (config.partBytes(k) / itemBytes);
        long offset = locator.partOffset(slot.slice, slot.arena, slot.part);
        Binmap live = null;
        Pool pool;
        try {
            live = space.binmap(capacity, op, "a pool's live binmap");
            pool = new Pool(slot.slice, slot.arena, slot.part, c, itemBytes, capacity, offset, live,
                    space.binmap(capacity, op, "a pool's used binmap"));
        } catch (AddressSpaceExhaustedException e) {
            if (live != null) {
                space.freeBinmap(live); // the second binmap could not be had: the first goes back too
            }
            givePartBack(slot.slice, slot.arena, slot.part);
            throw e;
        }
        Slice.Part part = slot.slice.arena(slot.arena).part(slot.part);
        part.kind = Slice.POOL;
        part.handedOut = true;
        part.pool = pool;
        room(c).add(pool);
        pool.listed = true;
        return pool;
    }

    // ------------------------------------------------------------------ frees and give-backs

    /**
     * Frees block {@code b} of slice {@code s}, asked by {@code by}: its owner's free (or one for a thread that has
     * ended) gives it back at once; another thread's marks it freed and queues it, for the owner to take back at its
     * next allocation.
     */
    void free(Slice s, BlockLocator.Unit b, long address, Thread by) {
        Slice.Arena arena = s.arena(b.a());
        switch (b.kind()) {
            case Slice.POOL -> b.pool().live.clear(b.item());
            case Slice.PART -> arena.part(b.p()).state = Slice.PENDING;
            default -> arena.state = Slice.PENDING;
        }
        if (thread == by || !thread.isAlive()) {
            if (thread != by) {
                drain(); // its thread has ended, and nobody is left to take a queue back
            }
            switch (b.kind()) {
                case Slice.POOL -> reclaimItem(b.pool(), b.item());
                case Slice.PART -> givePartBack(s, b.a(), b.p());
                default -> releaseWhole(s, b.a());
            }
        } else {
            deferred.push(address); // the owner reuses it once it takes its queue back
        }
    }

    /** Takes back the frees other threads made of this heap's blocks: they are reusable from now on. */
    void drain() {
        deferred.drain(address -> {
            BlockLocator.Where w = locator.locate(address);
            Slice slice = space.slice(w.k(), w.s());
            Slice.Arena arena = slice.arena(w.a());
            switch (arena.kind) {
                case Slice.WHOLE -> releaseWhole(slice, w.a());
                case Slice.PARTS -> {
                    Slice.Part part = arena.part(w.p());
                    if (part.kind == Slice.PART) {
                        givePartBack(slice, w.a(), w.p());
                    } else {
                        Pool pool = part.pool;
                        reclaimItem(pool, (int) ((address - locator.base() - pool.offset) / pool.itemBytes));
                    }
                }
                default -> throw new IllegalStateException("a deferred free of 0x" + Long.toHexString(address)
                        + " in a free arena");
            }
        });
    }

    private void dropSlice(Slice s) {
        row(s.row).remove(s);
        space.releaseSlice(s);
    }

    private void unitGone(Slice s) {
        s.units--;
        if (s.units == 0) {
            dropSlice(s);
        }
    }

    private void closeParts(Slice s, int a) {
        Slice.Arena arena = s.arena(a);
        space.freeBinmap(arena.partMap);
        arena.closeParts();
        s.arenas.clear(a);
    }

    /** Decommits part {@code p} of arena {@code a}, marks it free, and closes the arena when no part is left. */
    private void givePartBack(Slice s, int a, int p) {
        space.decommit(locator.partOffset(s, a, p), config.partBytes(s.row));
        Slice.Arena arena = s.arena(a);
        arena.part(p).clear();
        arena.partMap.clear(p);
        if (arena.partMap.count() == 0) {
            closeParts(s, a);
        }
        unitGone(s);
    }

    private void releaseWhole(Slice s, int a) {
        space.decommit(s.offset + a * config.arenaBytes(s.row), config.arenaBytes(s.row));
        Slice.Arena arena = s.arena(a);
        arena.kind = Slice.FREE;
        arena.state = 0;
        s.arenas.clear(a);
        unitGone(s);
    }

    private void reclaimItem(Pool pool, int i) {
        pool.used.clear(i);
        if (!pool.listed) {
            room(pool.cls).add(pool);
            pool.listed = true;
        }
        if (pool.empty()) {
            if (retained[pool.cls] == null) {
                retained[pool.cls] = pool; // kept, committed, for the next item of its class
            } else {
                releasePool(pool);
            }
        }
    }

    private void releasePool(Pool pool) {
        room(pool.cls).remove(pool);
        pool.listed = false;
        space.freeBinmap(pool.live);
        space.freeBinmap(pool.used);
        givePartBack(pool.slice, pool.arena, pool.part);
    }

    // ------------------------------------------------------------------ adoption

    /**
     * Hands this heap, whose thread has ended, over to {@code into} (both locks held): its queue is taken back, its
     * kept empty pools and empty slices are given back, every other slice (and its pools with room) becomes
     * {@code into}'s. No block is lost: a block still live stays where it is, owned by {@code into}.
     */
    void handOverTo(ThreadHeap into) {
        drain();
        for (int c = 0; c < PartitionClasses.COUNT; c++) {
            Pool p = retained[c];
            if (p != null) {
                retained[c] = null;
                releasePool(p);
            }
        }
        for (int k = 0; k < PartitionsConfig.ROWS; k++) {
            if (slices[k] == null) {
                continue;
            }
            for (Slice s : row(k)) {
                s.owner = into;
                into.row(k).add(s);
            }
            row(k).clear();
        }
        for (int c = 0; c < PartitionClasses.COUNT; c++) {
            if (withRoom[c] == null) {
                continue;
            }
            into.room(c).addAll(room(c));
            room(c).clear();
        }
        adopted = true;
    }

    // ------------------------------------------------------------------ what it keeps

    /** The bytes of the empty pools it keeps, one per class at most. */
    long keptBytes() {
        long kept = 0;
        for (Pool p : retained) {
            if (p != null) {
                kept += config.partBytes(p.slice.row);
            }
        }
        return kept;
    }

    /** The number of empty pools it keeps. */
    int keptPools() {
        int kept = 0;
        for (Pool p : retained) {
            kept += p == null ? 0 : 1;
        }
        return kept;
    }

    /**
     * The bytes of its units that hold frees from other threads its thread has not taken back yet: each unit (a
     * pool's part, a part, a whole arena) with an address on its queue, counted once. With no block live, only such
     * frees keep them. It counts what the queue holds, not what the slices say: a free whose address never reached
     * the queue is never taken back, and is not counted here either (its memory then shows above the idle bound).
     */
    long pendingBytes() {
        Map<List<Integer>, Long> units = new HashMap<>();
        deferred.forEachPending(address -> {
            BlockLocator.Where w = locator.locate(address);
            Slice s = space.slice(w.k(), w.s());
            boolean whole = s.arena(w.a()).kind == Slice.WHOLE;
            units.put(List.of(w.k(), w.s(), w.a(), whole ? -1 : w.p()),
                    whole ? config.arenaBytes(s.row) : config.partBytes(s.row));
        });
        long bytes = 0;
        for (long b : units.values()) {
            bytes += b;
        }
        return bytes;
    }
}
