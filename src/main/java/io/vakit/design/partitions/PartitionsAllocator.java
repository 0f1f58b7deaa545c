package io.vakit.design.partitions;

import io.vakit.pal.VirtualMemory;
import io.vakit.design.InjectedFaults;
import io.vakit.spi.InjectedFault;
import io.vakit.ds.Binmap;
import io.vakit.design.Moves;
import io.vakit.spi.AddressRange;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.Placement;
import io.vakit.spi.Requests;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Design {@code partitions} (seed 004): per-thread memory. Each thread has a heap that owns slices of the eight
 * partitions; a request of up to 32 KiB is an item of a pool (a part cut into items of one class), up to row 5's part
 * a whole part, up to row 7's arena a whole arena, and above that, up to 8 GiB, a mapping of the high range. Every
 * parent is found by arithmetic from the address: the partition from the address range, the slice, arena and part
 * by aligning down, the owning thread from the slice's owner. A free by the owning thread is immediate; a free by
 * another thread marks the block freed and queues it on the owner's {@link io.vakit.ds.DeferredQueue}: the owner
 * reuses it once it takes the queue back, at its next allocation. When a thread has ended, the next thread that
 * needs memory or frees one of its blocks adopts its heap. See spec/partitions.md.
 */
public final class PartitionsAllocator implements Allocator {
    /** The largest explicit alignment. */
    public static final long MAX_ALIGNMENT = 2L << 20;

    private final DesignDescriptor descriptor;
    private final PartitionsConfig config;
    private final PartitionClasses classes = new PartitionClasses();
    private final PartitionsSpace space;
    private final ConcurrentHashMap<Long, ThreadHeap> heaps = new ConcurrentHashMap<>();
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong liveCount = new AtomicLong();
    /** Operations hold it shared; close holds it alone. */
    private final ReentrantReadWriteLock closing = new ReentrantReadWriteLock();
    private boolean closed;

    /** Opens an allocator of {@code config}'s scale. */
    public PartitionsAllocator(DesignDescriptor descriptor, PartitionsConfig config) {
        this.descriptor = descriptor;
        this.config = config.withVm(VirtualMemory.ownFaults(config.vm())); // faults injected into it land here alone
        this.space = new PartitionsSpace(this.config, descriptor.id());
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    /** The configuration. */
    public PartitionsConfig config() {
        return config;
    }

    private <T> T open(String op, Supplier<T> body) {
        closing.readLock().lock();
        try {
            if (closed) {
                throw new AllocatorClosedException(descriptor.id(), op, "the allocator is closed");
            }
            return body.get();
        } finally {
            closing.readLock().unlock();
        }
    }

    // ------------------------------------------------------------------ the seed's rounding, and routes

    /**
     * A request of {@code size} at {@code alignment}, rounded up to a multiple of the alignment: {@code size +
     * (alignment - remainder)} when there is a remainder. (The seed adds the remainder itself, which gives neither a
     * multiple nor the alignment.)
     */
    public static long alignedSize(long size, long alignment) {
        long remainder = size % alignment;
        return remainder == 0 ? size : size + (alignment - remainder);
    }

    /** Where an effective request goes. */
    enum Route { POOL, PART, ARENA, HIGH }

    Route route(long effective) {
        if (effective <= PartitionClasses.MAX_POOL) {
            return Route.POOL;
        }
        long unit = Long.highestOneBit(effective - 1) << 1;
        return unit <= config.largestPart() ? Route.PART : effective <= config.largestArena() ? Route.ARENA
                : Route.HIGH;
    }

    /** The part row for a block of {@code unit} (a power of two) bytes. */
    private int partRow(long unit) {
        return Math.max(0, Long.numberOfTrailingZeros(unit) - Long.numberOfTrailingZeros(config.partBytes(0)));
    }

    /** The arena row for a block of {@code unit} (a power of two) bytes. */
    private int arenaRow(long unit) {
        return Math.max(0, Long.numberOfTrailingZeros(unit) - Long.numberOfTrailingZeros(config.arena0()));
    }

    /** The natural alignment of a request of {@code size}: its class's, its part's or arena's size, or the page. */
    public static long alignmentFor(PartitionsConfig config, long size) {
        PartitionClasses classes = new PartitionClasses();
        if (size <= PartitionClasses.MAX_POOL) {
            return classes.alignmentFor(size);
        }
        long unit = Long.highestOneBit(size - 1) << 1;
        if (unit <= config.largestPart()) {
            return Math.max(unit, config.partBytes(0));
        }
        return size <= config.largestArena() ? Math.max(unit, config.arena0()) : 4096;
    }

    // ------------------------------------------------------------------ heaps

    /** The calling thread's heap; a new one first adopts the heap of a thread that has ended, if there is one. */
    private ThreadHeap heap() {
        Thread t = Thread.currentThread();
        ThreadHeap h = heaps.get(t.threadId());
        if (h == null) {
            h = heaps.computeIfAbsent(t.threadId(), id -> new ThreadHeap(t));
            adoptEnded(h);
        }
        return h;
    }

    /**
     * Adopts one heap whose thread has ended into {@code into}, if there is one: one at a time, so that the slices of
     * ended threads spread over the threads that need memory instead of piling up in the first one.
     */
    private void adoptEnded(ThreadHeap into) {
        for (ThreadHeap h : heaps.values()) {
            if (h != into && !h.adopted && !h.thread.isAlive()) {
                adopt(h, into);
                return;
            }
        }
    }

    /**
     * {@code into} takes over an ended thread's heap: its queue is taken back, its kept empty pools and empty slices
     * are given back, every other slice (and its pools with room) becomes {@code into}'s. No block is lost: a block
     * still live stays where it is, owned by {@code into}.
     */
    private void adopt(ThreadHeap ended, ThreadHeap into) {
        ended.lock.lock();
        try {
            if (ended.adopted) {
                return;
            }
            into.lock.lock();
            try {
                drain(ended);
                for (int c = 0; c < PartitionClasses.COUNT; c++) {
                    Pool p = ended.retained[c];
                    if (p != null) {
                        ended.retained[c] = null;
                        releasePool(ended, p);
                    }
                }
                for (int k = 0; k < PartitionsConfig.ROWS; k++) {
                    if (!ended.hasRow(k)) {
                        continue;
                    }
                    for (Slice s : ended.row(k)) {
                        s.owner = into;
                        into.row(k).add(s);
                    }
                    ended.row(k).clear();
                }
                for (int c = 0; c < PartitionClasses.COUNT; c++) {
                    if (!ended.hasRoom(c)) {
                        continue;
                    }
                    into.room(c).addAll(ended.room(c));
                    ended.room(c).clear();
                }
                ended.adopted = true;
                heaps.remove(ended.thread.threadId(), ended);
            } finally {
                into.lock.unlock();
            }
        } finally {
            ended.lock.unlock();
        }
    }

    /** Takes back the frees other threads made of {@code h}'s blocks: they are reusable from now on. */
    private void drain(ThreadHeap h) {
        h.deferred.drain(address -> {
            Where w = locate(address);
            Slice slice = space.slice(w.k, w.s);
            switch (slice.arenaKind[w.a]) {
                case Slice.WHOLE -> releaseWhole(h, slice, w.a);
                case Slice.PARTS -> {
                    if (slice.partKind[w.a][w.p] == Slice.PART) {
                        releasePart(h, slice, w.a, w.p);
                    } else {
                        Pool pool = slice.pools[w.a][w.p];
                        reclaimItem(h, pool, (int) ((address - base() - pool.offset) / pool.itemBytes));
                    }
                }
                default -> throw new IllegalStateException("a deferred free of 0x" + Long.toHexString(address)
                        + " in a free arena");
            }
        });
    }

    // ------------------------------------------------------------------ allocate

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        return open(op, () -> {
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
            long effective = alignedSize(byteSize, byteAlignment);
            long address;
            if (route(effective) == Route.HIGH) {
                address = space.mapping(effective, byteAlignment, op);
            } else {
                ThreadHeap h = heap();
                h.lock.lock();
                try {
                    drain(h);
                    address = base() + place(h, effective, byteAlignment, op);
                } finally {
                    h.lock.unlock();
                }
            }
            liveBytes.addAndGet(byteSize);
            liveCount.incrementAndGet();
            return MemorySegment.ofAddress(address).reinterpret(byteSize);
        });
    }

    private long base() {
        return space.main.base();
    }

    private long place(ThreadHeap h, long effective, long alignment, String op) {
        switch (route(effective)) {
            case POOL -> {
                return item(h, classes.classOf(effective), op);
            }
            case PART -> {
                long unit = Math.max(Long.highestOneBit(effective - 1) << 1, alignment);
                return partBlock(h, partRow(unit), op);
            }
            default -> {
                long unit = Math.max(Long.highestOneBit(effective - 1) << 1, alignment);
                return wholeArena(h, arenaRow(unit), op);
            }
        }
    }

    private long item(ThreadHeap h, int c, String op) {
        LinkedHashSet<Pool> room = h.room(c);
        Pool pool = room.isEmpty() ? newPool(h, c, op) : room.iterator().next();
        int i = (int) pool.used.findFree();
        pool.used.set(i);
        pool.live.set(i);
        if (h.retained[c] == pool) {
            h.retained[c] = null;
        }
        if (pool.full()) {
            room.remove(pool);
            pool.listed = false;
        }
        return pool.offset + i * pool.itemBytes;
    }

    /** A free part of row {@code k} in {@code h}'s slices: {slice, arena, part}; the arena is cut into parts if new. */
    private record PartSlot(Slice slice, int arena, int part, boolean newArena) {}

    private PartSlot findPart(ThreadHeap h, int k, String op) {
        while (true) {
            for (Slice s : h.row(k)) {
                for (int a = 0; a < s.arenaKind.length; a++) {
                    if (s.arenaKind[a] == Slice.PARTS && s.parts[a].count() < PartitionsConfig.PARTS) {
                        return new PartSlot(s, a, (int) s.parts[a].findFree(), false);
                    }
                }
            }
            for (Slice s : h.row(k)) {
                long a = s.arenas.findFree();
                if (a >= 0) {
                    return new PartSlot(s, (int) a, 0, true);
                }
            }
            growSlices(h, k, op);
        }
    }

    /**
     * One more slice of partition {@code k} for {@code h}: the slices of ended threads' heaps it adopts, or else one
     * it claims; when every slice is owned, exhaustion.
     */
    private void growSlices(ThreadHeap h, int k, String op) {
        int before = h.row(k).size();
        adoptEnded(h);
        if (h.row(k).size() > before) {
            return;
        }
        Slice s = space.claimSlice(k, h, op);
        if (s == null) {
            throw space.exhausted(op, "every slice of partition " + k + " (" + config.slices()
                    + ") is owned by a thread", null);
        }
        h.row(k).add(s);
    }

    /** Cuts arena {@code a} of {@code s} into parts. */
    private void openParts(Slice s, int a, String op) {
        s.parts[a] = space.binmap(PartitionsConfig.PARTS, op, "an arena's part binmap");
        s.partKind[a] = new byte[PartitionsConfig.PARTS];
        s.partState[a] = new byte[PartitionsConfig.PARTS];
        s.pools[a] = new Pool[PartitionsConfig.PARTS];
        s.arenaKind[a] = Slice.PARTS;
        s.arenas.set(a);
    }

    private long partOffset(Slice s, int a, int p) {
        return s.offset + a * config.arenaBytes(s.row) + p * config.partBytes(s.row);
    }

    /** Takes a part of row {@code k} ({@code kind} POOL or PART), committed; undoes everything if a step fails. */
    private PartSlot takePart(ThreadHeap h, int k, String op) {
        PartSlot slot = findPart(h, k, op);
        try {
            if (slot.newArena) {
                openParts(slot.slice, slot.arena, op);
            }
            space.commit(partOffset(slot.slice, slot.arena, slot.part), config.partBytes(k), op);
        } catch (RuntimeException e) {
            if (slot.newArena && slot.slice.arenaKind[slot.arena] == Slice.PARTS) {
                closeParts(slot.slice, slot.arena);
            }
            if (slot.slice.units == 0) {
                dropSlice(h, slot.slice); // claimed for this request
            }
            throw e;
        }
        slot.slice.parts[slot.arena].set(slot.part);
        slot.slice.units++;
        return slot;
    }

    private Pool newPool(ThreadHeap h, int c, String op) {
        int k = PartitionClasses.row(c);
        PartSlot slot = takePart(h, k, op);
        long itemBytes = classes.size(c);
        int capacity = (int) (config.partBytes(k) / itemBytes);
        long offset = partOffset(slot.slice, slot.arena, slot.part);
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
            givePartBack(h, slot.slice, slot.arena, slot.part);
            throw e;
        }
        slot.slice.partKind[slot.arena][slot.part] = Slice.POOL;
        slot.slice.pools[slot.arena][slot.part] = pool;
        h.room(c).add(pool);
        pool.listed = true;
        return pool;
    }

    private long partBlock(ThreadHeap h, int k, String op) {
        PartSlot slot = takePart(h, k, op);
        slot.slice.partKind[slot.arena][slot.part] = Slice.PART;
        slot.slice.partState[slot.arena][slot.part] = Slice.LIVE;
        return partOffset(slot.slice, slot.arena, slot.part);
    }

    private long wholeArena(ThreadHeap h, int k, String op) {
        Slice slice = null;
        long a = -1;
        while (slice == null) {
            for (Slice s : h.row(k)) {
                a = s.arenas.findFree();
                if (a >= 0) {
                    slice = s;
                    break;
                }
            }
            if (slice == null) {
                growSlices(h, k, op);
            }
        }
        long offset = slice.offset + a * config.arenaBytes(k);
        try {
            space.commit(offset, config.arenaBytes(k), op);
        } catch (RuntimeException e) {
            if (slice.units == 0) {
                dropSlice(h, slice); // claimed for this request
            }
            throw e;
        }
        slice.arenas.set(a);
        slice.arenaKind[(int) a] = Slice.WHOLE;
        slice.wholeState[(int) a] = Slice.LIVE;
        slice.units++;
        return offset;
    }

    // ------------------------------------------------------------------ give back

    private void dropSlice(ThreadHeap h, Slice s) {
        h.row(s.row).remove(s);
        space.releaseSlice(s);
    }

    private void unitGone(ThreadHeap h, Slice s) {
        s.units--;
        if (s.units == 0) {
            dropSlice(h, s);
        }
    }

    private void closeParts(Slice s, int a) {
        space.freeBinmap(s.parts[a]);
        s.parts[a] = null;
        s.partKind[a] = null;
        s.partState[a] = null;
        s.pools[a] = null;
        s.arenaKind[a] = Slice.FREE;
        s.arenas.clear(a);
    }

    /** Decommits part {@code p} of arena {@code a}, marks it free, and closes the arena when no part is left. */
    private void givePartBack(ThreadHeap h, Slice s, int a, int p) {
        space.decommit(partOffset(s, a, p), config.partBytes(s.row));
        s.partKind[a][p] = Slice.FREE;
        s.partState[a][p] = 0;
        s.pools[a][p] = null;
        s.parts[a].clear(p);
        if (s.parts[a].count() == 0) {
            closeParts(s, a);
        }
        unitGone(h, s);
    }

    private void releasePart(ThreadHeap h, Slice s, int a, int p) {
        givePartBack(h, s, a, p);
    }

    private void releaseWhole(ThreadHeap h, Slice s, int a) {
        space.decommit(s.offset + a * config.arenaBytes(s.row), config.arenaBytes(s.row));
        s.arenaKind[a] = Slice.FREE;
        s.wholeState[a] = 0;
        s.arenas.clear(a);
        unitGone(h, s);
    }

    private void reclaimItem(ThreadHeap h, Pool pool, int i) {
        pool.used.clear(i);
        if (!pool.listed) {
            h.room(pool.cls).add(pool);
            pool.listed = true;
        }
        if (pool.empty()) {
            if (h.retained[pool.cls] == null) {
                h.retained[pool.cls] = pool; // kept, committed, for the next item of its class
            } else {
                releasePool(h, pool);
            }
        }
    }

    private void releasePool(ThreadHeap h, Pool pool) {
        h.room(pool.cls).remove(pool);
        pool.listed = false;
        space.freeBinmap(pool.live);
        space.freeBinmap(pool.used);
        givePartBack(h, pool.slice, pool.arena, pool.part);
    }

    // ------------------------------------------------------------------ locate and check

    /** An address in the partitions: partition, slice, arena, part. */
    record Where(int k, int s, int a, int p, long offset) {}

    /** Where {@code address} is, or null outside the partitions (or in a gap between two). */
    Where locate(long address) {
        long off = address - base();
        if (off < 0 || off >= space.main.size()) {
            return null;
        }
        int k = config.partitionOf(off);
        if (k < 0) {
            return null;
        }
        long inPartition = off - config.partitionOffset(k);
        int s = (int) (inPartition / config.sliceBytes(k));
        long inSlice = inPartition - s * config.sliceBytes(k);
        int a = (int) (inSlice / config.arenaBytes(k));
        int p = (int) ((inSlice - a * config.arenaBytes(k)) / config.partBytes(k));
        return new Where(k, s, a, p, off);
    }

    /** A live block: its kind, start (offset), usable size and class (-1 beyond the table). */
    private record Block(Route kind, Slice slice, int a, int p, Pool pool, int item, long start, long usable,
            int cls) {}

    /**
     * The block whose start is at {@code w}, live; the owner's lock is held.
     *
     * @throws InvalidFreeException for an address where no live block starts
     */
    private Block requireLive(Slice s, Where w, String op) {
        long arenaStart = s.offset + w.a * config.arenaBytes(w.k);
        switch (s.arenaKind[w.a]) {
            case Slice.WHOLE -> {
                if (w.offset != arenaStart) {
                    throw refusal(op, s.wholeState[w.a] == Slice.LIVE ? Reason.INTERIOR : Reason.UNKNOWN,
                            "inside the arena at 0x" + Long.toHexString(base() + arenaStart));
                }
                if (s.wholeState[w.a] != Slice.LIVE) {
                    throw refusal(op, Reason.DOUBLE, "the arena's block was freed");
                }
                return new Block(Route.ARENA, s, w.a, 0, null, 0, arenaStart, config.arenaBytes(w.k), -1);
            }
            case Slice.PARTS -> {
                long partStart = partOffset(s, w.a, w.p);
                switch (s.partKind[w.a][w.p]) {
                    case Slice.PART -> {
                        if (w.offset != partStart) {
                            throw refusal(op, s.partState[w.a][w.p] == Slice.LIVE ? Reason.INTERIOR : Reason.UNKNOWN,
                                    "inside the part at 0x" + Long.toHexString(base() + partStart));
                        }
                        if (s.partState[w.a][w.p] != Slice.LIVE) {
                            throw refusal(op, Reason.DOUBLE, "the part's block was freed");
                        }
                        return new Block(Route.PART, s, w.a, w.p, null, 0, partStart, config.partBytes(w.k), -1);
                    }
                    case Slice.POOL -> {
                        Pool pool = s.pools[w.a][w.p];
                        long within = w.offset - partStart;
                        long i = within / pool.itemBytes;
                        if (i >= pool.capacity) {
                            throw refusal(op, Reason.UNKNOWN, "past the last item of the pool at 0x"
                                    + Long.toHexString(base() + partStart));
                        }
                        if (within % pool.itemBytes != 0) {
                            throw refusal(op, pool.live.get(i) ? Reason.INTERIOR : Reason.UNKNOWN, "inside item "
                                    + i + " of " + pool.itemBytes + " bytes of the pool at 0x"
                                    + Long.toHexString(base() + partStart));
                        }
                        if (!pool.live.get(i)) {
                            throw refusal(op, pool.used.get(i) ? Reason.DOUBLE : Reason.UNKNOWN, "item " + i
                                    + " of the pool at 0x" + Long.toHexString(base() + partStart) + " is not live"
                                    + (pool.used.get(i) ? " (freed from another thread, not yet taken back)" : ""));
                        }
                        return new Block(Route.POOL, s, w.a, w.p, pool, (int) i, w.offset, pool.itemBytes, pool.cls);
                    }
                    default -> throw refusal(op, Reason.UNKNOWN, "part " + w.p + " of arena " + w.a + " is free");
                }
            }
            default -> throw refusal(op, Reason.UNKNOWN, "arena " + w.a + " of slice " + w.s + " of partition " + w.k
                    + " is free");
        }
    }

    private InvalidFreeException refusal(String op, Reason reason, String detail) {
        return new InvalidFreeException(descriptor.id(), op, reason, detail);
    }

    /**
     * Runs {@code body} on the block starting at {@code w}, under its owner's lock (re-read until it holds).
     *
     * @throws InvalidFreeException when no thread owns the block's slice
     */
    private <T> T withOwner(Where w, String op, java.util.function.BiFunction<ThreadHeap, Slice, T> body) {
        return withOwner(w, () -> {
            throw refusal(op, Reason.UNKNOWN, "slice " + w.s + " of partition " + w.k + " is owned by no thread");
        }, body);
    }

    /**
     * Runs {@code body} under the owner's lock of the slice holding {@code w}, or answers {@code unowned} when no
     * thread owns it: checked again under the lock, since a slice can be given back between any two reads.
     */
    private <T> T withOwner(Where w, Supplier<T> unowned, java.util.function.BiFunction<ThreadHeap, Slice, T> body) {
        while (true) {
            Slice s = space.slice(w.k, w.s);
            if (s == null) {
                return unowned.get();
            }
            ThreadHeap owner = s.owner;
            owner.lock.lock();
            try {
                if (space.slice(w.k, w.s) != s || s.owner != owner) {
                    continue; // adopted, or given back and claimed again, while we waited
                }
                return body.apply(owner, s);
            } finally {
                owner.lock.unlock();
            }
        }
    }

    // ------------------------------------------------------------------ free

    @Override
    public void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        open(op, () -> {
            release(block.address(), op);
            liveBytes.addAndGet(-block.byteSize());
            liveCount.decrementAndGet();
            return null;
        });
    }

    private void release(long address, String op) {
        Where w = locate(address);
        if (w == null) {
            space.freeMapping(address, op);
            return;
        }
        Thread me = Thread.currentThread();
        withOwner(w, op, (owner, s) -> {
            Block b = requireLive(s, w, op);
            switch (b.kind) {
                case POOL -> b.pool.live.clear(b.item);
                case PART -> s.partState[b.a][b.p] = Slice.PENDING;
                default -> s.wholeState[b.a] = Slice.PENDING;
            }
            if (owner.thread == me || !owner.thread.isAlive()) {
                // the owner's own free; or its thread has ended, and nobody is left to take a queue back
                if (owner.thread != me) {
                    drain(owner);
                }
                switch (b.kind) {
                    case POOL -> reclaimItem(owner, b.pool, b.item);
                    case PART -> releasePart(owner, s, b.a, b.p);
                    default -> releaseWhole(owner, s, b.a);
                }
            } else {
                owner.deferred.push(address); // the owner reuses it once it takes its queue back
            }
            return null;
        });
    }

    // ------------------------------------------------------------------ realloc and queries

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        long oldSize = block.byteSize();
        String op = Requests.onBlock("reallocate", block.address(), oldSize) + "->" + newSize;
        return open(op, () -> {
            Requests.checkSize(descriptor, op, newSize);
            long usable = live(block.address(), op).usableSize();
            boolean inPlace = switch (route(newSize)) {
                case POOL -> usable <= PartitionClasses.MAX_POOL && classes.size(classes.classOf(newSize)) == usable;
                case PART, ARENA -> usable > PartitionClasses.MAX_POOL && unitOf(newSize) == usable;
                case HIGH -> io.vakit.ds.MappingTable.pageRound(newSize) == usable && locate(block.address()) == null;
            };
            if (!inPlace) {
                return Moves.byCopy(this, block, newSize); // inside the gate: close waits for the copy
            }
            liveBytes.addAndGet(newSize - oldSize);
            return MemorySegment.ofAddress(block.address()).reinterpret(newSize);
        });
    }

    /** The usable size of a part or arena block for a request of {@code size}. */
    private long unitOf(long size) {
        long unit = Long.highestOneBit(size - 1) << 1;
        return route(size) == Route.PART ? Math.max(unit, config.partBytes(0)) : Math.max(unit, config.arena0());
    }

    /** The live block starting at {@code address}: start, usable size, class. */
    private BlockInfo live(long address, String op) {
        Where w = locate(address);
        if (w == null) {
            long[] m = space.mappingAt(address);
            if (m == null || m[0] != address) {
                throw refusal(op, m == null ? Reason.FOREIGN : Reason.INTERIOR, "no live mapping starts here");
            }
            return new BlockInfo(m[0], m[1], -1);
        }
        return withOwner(w, op, (owner, s) -> {
            Block b = requireLive(s, w, op);
            return new BlockInfo(base() + b.start, b.usable, b.cls);
        });
    }

    @Override
    public long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        return open(op, () -> live(block.address(), op).usableSize());
    }

    @Override
    public Optional<BlockInfo> owner(long address) {
        return open("owner(address=0x" + Long.toHexString(address) + ")", () -> ownerOf(address));
    }

    private Optional<BlockInfo> ownerOf(long address) {
        Where w = locate(address);
        if (w == null) {
            long[] m = space.mappingAt(address);
            return m == null ? Optional.empty() : Optional.of(new BlockInfo(m[0], m[1], -1));
        }
        return withOwner(w, Optional::empty, (owner, s) -> {
            long arenaStart = s.offset + w.a * config.arenaBytes(w.k);
            switch (s.arenaKind[w.a]) {
                case Slice.WHOLE -> {
                    return s.wholeState[w.a] == Slice.LIVE ? Optional.of(new BlockInfo(base() + arenaStart,
                            config.arenaBytes(w.k), -1)) : Optional.empty();
                }
                case Slice.PARTS -> {
                    long partStart = partOffset(s, w.a, w.p);
                    if (s.partKind[w.a][w.p] == Slice.PART) {
                        return s.partState[w.a][w.p] == Slice.LIVE ? Optional.of(new BlockInfo(base() + partStart,
                                config.partBytes(w.k), -1)) : Optional.empty();
                    }
                    Pool pool = s.pools[w.a][w.p];
                    if (pool == null) {
                        return Optional.empty();
                    }
                    long i = (w.offset - partStart) / pool.itemBytes;
                    return i < pool.capacity && pool.live.get(i) ? Optional.of(new BlockInfo(base() + partStart
                            + i * pool.itemBytes, pool.itemBytes, pool.cls)) : Optional.empty();
                }
                default -> {
                    return Optional.empty();
                }
            }
        });
    }

    /**
     * Where the live block covering {@code address} is: partition, slice, arena, then part and item (a pool), part
     * (a part block), or the arena itself; or its mapping in the high range.
     */
    @Override
    public Optional<Placement> placement(long address) {
        return open("placement(address=0x" + Long.toHexString(address) + ")", () -> {
            Optional<BlockInfo> info = ownerOf(address);
            if (info.isEmpty()) {
                return Optional.empty();
            }
            BlockInfo b = info.get();
            Where w = locate(b.start());
            if (w == null) {
                return Optional.of(new Placement(List.of(new Placement.Level("mapping", 0, b.start(), b.usableSize()))));
            }
            long pStart = base() + config.partitionOffset(w.k);
            long sStart = pStart + w.s * config.sliceBytes(w.k);
            long aStart = sStart + w.a * config.arenaBytes(w.k);
            List<Placement.Level> levels = new ArrayList<>();
            boolean wholeArena = b.usableSize() >= config.arenaBytes(w.k);
            boolean wholePart = !wholeArena && b.sizeClass() < 0;
            levels.add(new Placement.Level("partition", w.k, pStart, config.partitionBytes(w.k)));
            levels.add(new Placement.Level("slice", w.s, sStart, config.sliceBytes(w.k),
                    wholeArena ? config.sliceBytes(w.k) / config.arenaBytes(w.k) : 0));
            levels.add(new Placement.Level("arena", w.a, aStart, config.arenaBytes(w.k),
                    wholePart ? PartitionsConfig.PARTS : 0));
            if (!wholeArena) {
                long partStart = aStart + w.p * config.partBytes(w.k);
                levels.add(new Placement.Level("part", w.p, partStart, config.partBytes(w.k),
                        wholePart ? 0 : config.partBytes(w.k) / b.usableSize()));
                if (!wholePart) {
                    levels.add(new Placement.Level("item", (b.start() - partStart) / b.usableSize(), b.start(),
                            b.usableSize()));
                }
            }
            return Optional.of(new Placement(levels));
        });
    }

    @Override
    public boolean owns(long address, long length) {
        return open("owns(address=0x" + Long.toHexString(address) + ", length=" + length + ")", () -> {
            if (length < 0) {
                return false;
            }
            if (space.main.contains(address, Math.max(1, length))) {
                return true;
            }
            long[] m = space.mappingAt(address);
            return m != null && address - m[0] + Math.max(1, length) <= m[1];
        });
    }

    @Override
    public List<AddressRange> reservedRanges() {
        return open("reservedRanges()", space::ranges);
    }

    /**
     * The bytes of {@code h}'s units that hold frees from other threads its thread has not taken back yet (pools with
     * used items, parts and arenas PENDING): with no block live, only such frees keep them.
     */
    private long pendingBytes(ThreadHeap h) {
        long bytes = 0;
        for (Slice s : h.allSlices()) {
            for (int a = 0; a < s.arenaKind.length; a++) {
                if (s.arenaKind[a] == Slice.WHOLE && s.wholeState[a] == Slice.PENDING) {
                    bytes += config.arenaBytes(s.row);
                } else if (s.arenaKind[a] == Slice.PARTS) {
                    for (int p = 0; p < PartitionsConfig.PARTS; p++) {
                        boolean pendingPart = s.partKind[a][p] == Slice.PART && s.partState[a][p] == Slice.PENDING;
                        boolean pendingItems = s.partKind[a][p] == Slice.POOL && !s.pools[a][p].empty();
                        if (pendingPart || pendingItems) {
                            bytes += config.partBytes(s.row);
                        }
                    }
                }
            }
        }
        return bytes;
    }

    /**
     * Idle, the design keeps: each heap's one empty pool per class (a part each); the units that hold frees from
     * other threads not yet taken back by their owner (it takes them back at its next allocation); and the FSA's
     * blocks, which then hold only those units' binmaps and their slices' and arenas' binmaps.
     */
    @Override
    public long idleCommittedBound() {
        return open("idleCommittedBound()", () -> {
            long kept = 0;
            for (ThreadHeap h : heaps.values()) {
                h.lock.lock();
                try {
                    for (Pool p : h.retained) {
                        if (p != null) {
                            kept += config.partBytes(p.slice.row);
                        }
                    }
                    kept += pendingBytes(h);
                } finally {
                    h.lock.unlock();
                }
            }
            return kept + space.fsa.committedBytes();
        });
    }

    @Override
    public void injectFault(InjectedFault kind, int skip) {
        InjectedFaults.inject(config.vm(), kind, skip);
    }

    @Override
    public void clearFaults() {
        InjectedFaults.clear(config.vm());
    }

    @Override
    public long faultsFired(InjectedFault kind) {
        return InjectedFaults.fired(config.vm(), kind);
    }

    @Override
    public Stats stats() {
        return open("stats()", () -> new Stats(space.reservedBytes(), space.committedBytes(), liveBytes.get(),
                liveCount.get()));
    }

    /** What the allocator holds now, for the design's own properties (take it with no operation in flight). */
    public record Census(long dataCommitted, long fsaCommitted, int heaps, int slices, int pools, int keptPools,
            int mappings) {}

    /** The allocator's heaps, slices and commits now. */
    public Census census() {
        return open("census()", () -> {
            int slices = 0;
            int pools = 0;
            int kept = 0;
            for (ThreadHeap h : heaps.values()) {
                h.lock.lock();
                try {
                    for (Slice s : h.allSlices()) {
                        slices++;
                        for (Pool[] ps : s.pools) {
                            if (ps != null) {
                                for (Pool p : ps) {
                                    pools += p == null ? 0 : 1;
                                }
                            }
                        }
                    }
                    for (Pool p : h.retained) {
                        kept += p == null ? 0 : 1;
                    }
                } finally {
                    h.lock.unlock();
                }
            }
            return new Census(space.committedMain(), space.fsa.committedBytes(), heaps.size(), slices, pools, kept,
                    space.mappingCount());
        });
    }

    /** The thread that owns the slice holding {@code address} (from the address range), if any. */
    public Optional<Thread> ownerThread(long address) {
        return open("ownerThread(address=0x" + Long.toHexString(address) + ")", () -> {
            Where w = locate(address);
            Slice s = w == null ? null : space.slice(w.k, w.s);
            return s == null ? Optional.<Thread>empty() : Optional.of(s.owner.thread);
        });
    }

    @Override
    public void close() {
        closing.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                space.close();
            }
        } finally {
            closing.writeLock().unlock();
        }
    }
}
