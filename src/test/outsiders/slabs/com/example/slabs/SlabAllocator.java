package com.example.slabs;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.InvalidAlignmentException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.Placement;
import io.vakit.spi.Requests;
import io.vakit.spi.SizeClassTable;
import io.vakit.spi.Stats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Segregated slabs with four classes per doubling (16, 32, 48, 64, 80, ... 16 KiB, as jemalloc spaces them): each
 * class cuts 64 KiB slabs, each from an {@link Arena} of its own, into slots; a slab has a bump index, a free list and
 * a bitmap of live slots. A class keeps a list of its slabs with room; a full slab leaves it and comes back on its
 * first free; an emptied slab is given back unless it is the class's last one. Anything above 16 KiB, up to 4 MiB, is
 * an {@link Arena} of its own. One lock guards everything.
 */
public class SlabAllocator implements Allocator {
    static final long SLAB = 64 * 1024;
    static final long ALIGN = 16;
    static final long MAX_BLOCK = 4L << 20;
    /** Fill freed slots with junk, to find use-after-free in the program that uses this allocator. */
    static final boolean JUNK = Boolean.parseBoolean(System.getProperty("slabs.junk", "false"));
    static final byte JUNK_BYTE = (byte) 0xDE;

    /** The class sizes: 16 to 128 in steps of 16, then four per doubling up to 16 KiB. */
    static final long[] SIZES = sizes();

    private static long[] sizes() {
        long[] out = new long[40];
        int n = 0;
        for (long s = 16; s <= 128; s += 16) {
            out[n++] = s;
        }
        for (long p = 128; p < 16 * 1024; p <<= 1) {
            for (int q = 1; q <= 4; q++) {
                out[n++] = p + q * (p / 4);
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** The classes, for the descriptor. */
    static final SizeClassTable TABLE = new SizeClassTable() {
        @Override
        public int count() {
            return SIZES.length;
        }

        @Override
        public long size(int c) {
            return SIZES[c];
        }

        @Override
        public int classOf(long size) {
            if (size > SIZES[SIZES.length - 1]) {
                return -1;
            }
            int i = Arrays.binarySearch(SIZES, Math.max(1, size));
            return i >= 0 ? i : -i - 1;
        }
    };

    /** What kind of memory holds a block. */
    enum Kind { SLAB, LARGE }

    /** One slab: {@code capacity} slots of one class. */
    final class Slab {
        final Arena arena;
        final long base;
        final int cls;
        final long slot;
        final int capacity;
        final int[] next;
        final BitSet live = new BitSet();
        int bump;
        int freeHead = -1;
        int count;
        boolean listed;

        Slab(int cls) {
            this.arena = Arena.ofShared();
            this.base = arena.allocate(SLAB, ALIGN).address();
            this.cls = cls;
            this.slot = SIZES[cls];
            this.capacity = (int) (SLAB / slot);
            this.next = new int[capacity];
        }

        long slotAddress(int i) {
            return base + i * slot;
        }
    }

    /** A block above the classes, in an arena of its own. */
    record Large(Arena arena, long start, long size) {}

    private final DesignDescriptor descriptor;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, Slab> slabs = new TreeMap<>();
    private final List<ArrayDeque<Slab>> partial = new java.util.ArrayList<>();
    private final TreeMap<Long, Large> large = new TreeMap<>();
    /** The last blocks freed, so that a second free of one is named a double free, even once its slab is gone. */
    private final java.util.LinkedHashSet<Long> freed = new java.util.LinkedHashSet<>();
    private long liveBytes;
    private long liveCount;
    private boolean closed;

    /** A fresh allocator; it takes no memory until asked. */
    public SlabAllocator(DesignDescriptor descriptor) {
        this.descriptor = descriptor;
        for (int c = 0; c < SIZES.length; c++) {
            partial.add(new ArrayDeque<>());
        }
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    private void open(String op) {
        if (closed) {
            throw new AllocatorClosedException(descriptor.id(), op, "the allocator is closed");
        }
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        lock.lock();
        try {
            open(op);
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
            if (byteAlignment > ALIGN) {
                throw new InvalidAlignmentException(descriptor.id(), op, "every block is 16-byte aligned, no more");
            }
            long a = take(byteSize);
            if (TABLE.classOf(byteSize) >= 0) {
                sizeOf.put(a, byteSize);
            }
            liveBytes += byteSize;
            liveCount++;
            return MemorySegment.ofAddress(a).reinterpret(byteSize);
        } finally {
            lock.unlock();
        }
    }

    private long take(long size) {
        int c = TABLE.classOf(size);
        if (c < 0) {
            Arena arena = Arena.ofShared();
            long start = arena.allocate(size, ALIGN).address();
            large.put(start, new Large(arena, start, size));
            freed.remove(start);
            return start;
        }
        ArrayDeque<Slab> list = partial.get(c);
        Slab s = list.peekFirst();
        if (s == null) {
            s = new Slab(c);
            slabs.put(s.base, s);
            list.addFirst(s);
            s.listed = true;
        }
        int i;
        if (s.freeHead >= 0) {
            i = s.freeHead;
            s.freeHead = s.next[i];
        } else {
            i = s.bump++;
        }
        s.live.set(i);
        freed.remove(s.slotAddress(i));
        if (++s.count == s.capacity) {
            list.remove(s);
            s.listed = false;
        }
        return s.slotAddress(i);
    }

    /** Where live block {@code a} is: its slab and slot, or its large block; else why a free of it is refused. */
    private Object find(String op, long a) {
        Map.Entry<Long, Slab> e = slabs.floorEntry(a);
        if (e != null && a < e.getKey() + SLAB) {
            Slab s = e.getValue();
            long offset = a - s.base;
            int i = (int) (offset / s.slot);
            checkSlot(op, s, offset, i);
            return new long[] {s.base, i};
        }
        Large l = large.get(a);
        if (l != null) {
            return l;
        }
        Map.Entry<Long, Large> below = large.floorEntry(a);
        if (below != null && a < below.getKey() + below.getValue().size()) {
            throw new InvalidFreeException(descriptor.id(), op, Reason.INTERIOR, "the address is inside the block at 0x"
                    + Long.toHexString(below.getKey()));
        }
        if (freed.contains(a)) {
            throw new InvalidFreeException(descriptor.id(), op, Reason.DOUBLE, "the block was already freed");
        }
        // its slabs and blocks come from malloc, which reuses addresses: a freed one forgotten and one never its own
        // look the same
        throw new InvalidFreeException(descriptor.id(), op, Reason.UNKNOWN, "no slab or block of this allocator holds it");
    }

    /** Refuses a free of slot {@code i} of {@code s} at {@code offset} unless it is the start of a live slot. */
    protected void checkSlot(String op, Slab s, long offset, int i) {
        if (i >= s.capacity) {
            throw new InvalidFreeException(descriptor.id(), op, Reason.UNKNOWN, "the address is in the slab's unused tail");
        }
        if (offset % s.slot != 0) {
            throw new InvalidFreeException(descriptor.id(), op, s.live.get(i) ? Reason.INTERIOR : Reason.UNKNOWN,
                    "the address is inside slot " + i + " of " + s.slot + " bytes");
        }
        if (!s.live.get(i)) {
            throw new InvalidFreeException(descriptor.id(), op, i < s.bump ? Reason.DOUBLE : Reason.UNKNOWN,
                    "slot " + i + " is not live");
        }
    }

    @Override
    public void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        lock.lock();
        try {
            open(op);
            Object where = find(op, block.address());
            long size = block.byteSize();
            if (where instanceof long[] slot) {
                Slab s = slabs.get(slot[0]);
                if (TABLE.classOf(size) != s.cls) {
                    throw new InvalidFreeException(descriptor.id(), op, Reason.WRONG_SIZE, "the block is of class "
                            + s.slot + ", not of " + size + " bytes");
                }
            } else {
                Large l = (Large) where;
                if (TABLE.classOf(size) >= 0 || powerOfTwo(size) != powerOfTwo(l.size())) {
                    throw new InvalidFreeException(descriptor.id(), op, Reason.WRONG_SIZE, "the block has "
                            + l.size() + " bytes, not " + size);
                }
            }
            liveBytes -= release(where);
            liveCount--;
        } finally {
            lock.unlock();
        }
    }

    private static int powerOfTwo(long size) {
        return 64 - Long.numberOfLeadingZeros(size - 1);
    }

    /** Frees the block {@link #find} found; returns its requested size (for a slot, counted by the caller). */
    private long release(Object where) {
        if (where instanceof Large l) {
            large.remove(l.start());
            remember(l.start());
            l.arena().close();
            return l.size();
        }
        long[] slot = (long[]) where;
        Slab s = slabs.get(slot[0]);
        int i = (int) slot[1];
        remember(s.slotAddress(i));
        long size = sizeOf.remove(s.slotAddress(i));
        if (JUNK) {
            MemorySegment.ofAddress(s.slotAddress(i)).reinterpret(s.slot).fill(JUNK_BYTE);
        }
        s.live.clear(i);
        s.next[i] = s.freeHead;
        s.freeHead = i;
        s.count--;
        ArrayDeque<Slab> list = partial.get(s.cls);
        if (!s.listed) {
            list.addFirst(s);
            s.listed = true;
        }
        if (s.count == 0 && list.size() > 1) {
            list.remove(s);
            slabs.remove(s.base);
            s.arena.close();
        }
        return size;
    }

    private void remember(long start) {
        freed.add(start);
        if (freed.size() > 8192) {
            freed.remove(freed.iterator().next());
        }
    }

    /** The requested size of every live slot, by address. */
    private final java.util.HashMap<Long, Long> sizeOf = new java.util.HashMap<>();

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        String op = Requests.onBlock("reallocate", block.address(), block.byteSize()) + "->" + newSize;
        lock.lock();
        try {
            open(op);
            Object where = find(op, block.address());
            Requests.checkSize(descriptor, op, newSize);
            long old = where instanceof Large l ? l.size() : sizeOf.get(block.address());
            if (where instanceof long[] slot && TABLE.classOf(newSize) == slabs.get(slot[0]).cls) {
                sizeOf.put(block.address(), newSize);
                liveBytes += newSize - old;
                return MemorySegment.ofAddress(block.address()).reinterpret(newSize);
            }
            long moved = take(newSize);
            if (TABLE.classOf(newSize) >= 0) {
                sizeOf.put(moved, newSize);
            }
            MemorySegment.copy(MemorySegment.ofAddress(block.address()).reinterpret(old), 0,
                    MemorySegment.ofAddress(moved).reinterpret(newSize), 0, Math.min(old, newSize));
            release(where);
            liveBytes += newSize - old;
            return MemorySegment.ofAddress(moved).reinterpret(newSize);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        lock.lock();
        try {
            open(op);
            Object where = find(op, block.address());
            return where instanceof Large l ? l.size() : slabs.get(((long[]) where)[0]).slot;
        } finally {
            lock.unlock();
        }
    }

    /** The live block holding {@code address}: its start, usable size and class, and its kind. */
    private Optional<Object[]> locate(long address) {
        Map.Entry<Long, Slab> e = slabs.floorEntry(address);
        if (e != null && address < e.getKey() + SLAB) {
            Slab s = e.getValue();
            int i = (int) ((address - s.base) / s.slot);
            if (i >= s.capacity || !s.live.get(i)) {
                return Optional.empty();
            }
            return Optional.of(new Object[] {Kind.SLAB, new BlockInfo(s.slotAddress(i), s.slot, s.cls), s, i});
        }
        Map.Entry<Long, Large> l = large.floorEntry(address);
        if (l != null && address < l.getKey() + l.getValue().size()) {
            return Optional.of(new Object[] {Kind.LARGE, new BlockInfo(l.getKey(), l.getValue().size(), -1)});
        }
        return Optional.empty();
    }

    @Override
    public Optional<BlockInfo> owner(long address) {
        lock.lock();
        try {
            open("owner(address=0x" + Long.toHexString(address) + ")");
            return locate(address).map(o -> (BlockInfo) o[1]);
        } finally {
            lock.unlock();
        }
    }

    /** A slot: {@code slab/slot}, the slab stating how many slots it holds; a large block: {@code block}. */
    @Override
    public Optional<Placement> placement(long address) {
        lock.lock();
        try {
            open("placement(address=0x" + Long.toHexString(address) + ")");
            return locate(address).map(o -> {
                BlockInfo b = (BlockInfo) o[1];
                if (o[0] == Kind.LARGE) {
                    return new Placement(List.of(new Placement.Level("block", 0, b.start(), b.usableSize())));
                }
                Slab s = (Slab) o[2];
                return new Placement(List.of(new Placement.Level("slab", 0, s.base, SLAB, s.capacity),
                        new Placement.Level("slot", (int) o[3], b.start(), s.slot)));
            });
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Stats stats() {
        lock.lock();
        try {
            open("stats()");
            return new Stats(0, 0, liveBytes, liveCount);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            slabs.values().forEach(s -> s.arena.close());
            large.values().forEach(l -> l.arena().close());
            slabs.clear();
            large.clear();
        } finally {
            lock.unlock();
        }
    }
}
