package com.example.tlsf;

import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.InvalidAlignmentException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.Requests;
import io.vakit.spi.Stats;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two-Level Segregated Fit (Masmano et al., 2004) over one pool mapped with mmap. Every block has a 16-byte header in
 * the pool itself: its payload size with a FREE flag, and the header address of the block physically before it. A
 * free block keeps its free-list links in its payload. Free blocks are filed by size in 2-level lists (a power of two,
 * then 16 steps inside it) with a bitmap per level, so a good fit is found in O(1); a freed block coalesces with its
 * free neighbours at once. One lock guards everything. The live blocks are also kept in a map on the heap, so bad
 * frees are refused before the pool is touched.
 */
public class TlsfAllocator implements Allocator {
    static final long ALIGN = 16;
    static final int ALIGN_SHIFT = 4;
    static final int SL_LOG2 = 4;
    static final int SL_COUNT = 1 << SL_LOG2;
    static final int FL_SHIFT = SL_LOG2 + ALIGN_SHIFT;
    static final long SMALL_LIMIT = 1L << FL_SHIFT;
    static final long HEADER = 16;
    static final long MIN_PAYLOAD = 16;
    static final long FREE = 1;
    static final int FORGET_AFTER = 4096;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MMAP = LINKER.downcallHandle(LINKER.defaultLookup().find("mmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(LINKER.defaultLookup().find("munmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    private final DesignDescriptor descriptor;
    private final long base;
    private final long poolBytes;
    private final MemorySegment pool;
    private final int flCount;
    private long flBitmap;
    private final int[] slBitmap;
    private final long[][] heads;
    private final TreeMap<Long, Long> live = new TreeMap<>(); // payload -> requested size
    private final LinkedHashSet<Long> freed = new LinkedHashSet<>();
    private final ReentrantLock lock = new ReentrantLock();
    private long liveBytes;
    private boolean closed;

    /** A TLSF over a fresh pool of {@code poolBytes} (a power of two). */
    public TlsfAllocator(DesignDescriptor descriptor, long poolBytes) {
        this.descriptor = descriptor;
        this.poolBytes = poolBytes;
        this.base = map(poolBytes);
        this.pool = MemorySegment.ofAddress(base).reinterpret(poolBytes);
        this.flCount = 64 - Long.numberOfLeadingZeros(poolBytes) - FL_SHIFT + 1;
        this.slBitmap = new int[flCount];
        this.heads = new long[flCount][SL_COUNT];
        long first = base;
        long sentinel = base + poolBytes - HEADER;
        setSize(first, sentinel - first - HEADER);
        setPrev(first, 0);
        setSize(sentinel, 0);
        setPrev(sentinel, first);
        insert(first);
    }

    private static long map(long bytes) {
        try {
            MemorySegment m = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, bytes, 3, 0x02 | 0x20 | 0x4000, -1,
                    0L);
            if (m.address() == -1L) {
                throw new IllegalStateException("mmap of " + bytes + " bytes failed");
            }
            return m.address();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    // ------------------------------------------------------------------ the block headers, in the pool

    final long sizeOf(long h) {
        return pool.get(ValueLayout.JAVA_LONG, h - base) & ~FREE;
    }

    final boolean isFree(long h) {
        return (pool.get(ValueLayout.JAVA_LONG, h - base) & FREE) != 0;
    }

    private void setSize(long h, long size) {
        pool.set(ValueLayout.JAVA_LONG, h - base, size);
    }

    private void markFree(long h, boolean free) {
        long w = pool.get(ValueLayout.JAVA_LONG, h - base);
        pool.set(ValueLayout.JAVA_LONG, h - base, free ? w | FREE : w & ~FREE);
    }

    private long prevOf(long h) {
        return pool.get(ValueLayout.JAVA_LONG, h - base + 8);
    }

    private void setPrev(long h, long prev) {
        pool.set(ValueLayout.JAVA_LONG, h - base + 8, prev);
    }

    final long next(long h) {
        return h + HEADER + sizeOf(h);
    }

    private long nextFree(long h) {
        return pool.get(ValueLayout.JAVA_LONG, h - base + HEADER);
    }

    private long prevFree(long h) {
        return pool.get(ValueLayout.JAVA_LONG, h - base + HEADER + 8);
    }

    private void setLinks(long h, long next, long prev) {
        pool.set(ValueLayout.JAVA_LONG, h - base + HEADER, next);
        pool.set(ValueLayout.JAVA_LONG, h - base + HEADER + 8, prev);
    }

    // ------------------------------------------------------------------ the two-level index

    /** The {fl, sl} list a free block of {@code size} bytes is filed in. */
    private static int[] mappingInsert(long size) {
        if (size < SMALL_LIMIT) {
            return new int[] {0, (int) (size >>> ALIGN_SHIFT)};
        }
        int log = 63 - Long.numberOfLeadingZeros(size);
        int sl = (int) (size >>> (log - SL_LOG2)) ^ SL_COUNT;
        return new int[] {log - FL_SHIFT + 1, sl};
    }

    /** The first list whose every block holds {@code size} bytes: the size rounded up to its list's next step. */
    private static int[] mappingSearch(long size) {
        if (size >= SMALL_LIMIT) {
            int log = 63 - Long.numberOfLeadingZeros(size);
            size += (1L << (log - SL_LOG2)) - 1;
        }
        return mappingInsert(size);
    }

    private void insert(long h) {
        int[] i = mappingInsert(sizeOf(h));
        long head = heads[i[0]][i[1]];
        setLinks(h, head, 0);
        if (head != 0) {
            setLinks(head, nextFree(head), h);
        }
        heads[i[0]][i[1]] = h;
        flBitmap |= 1L << i[0];
        slBitmap[i[0]] |= 1 << i[1];
        markFree(h, true);
    }

    /** Takes free block {@code h} out of its list. */
    protected void removeFree(long h) {
        int[] i = mappingInsert(sizeOf(h));
        long next = nextFree(h);
        long prev = prevFree(h);
        if (next != 0) {
            setLinks(next, nextFree(next), prev);
        }
        if (prev != 0) {
            setLinks(prev, next, prevFree(prev));
        } else {
            heads[i[0]][i[1]] = next;
            if (next == 0) {
                slBitmap[i[0]] &= ~(1 << i[1]);
                if (slBitmap[i[0]] == 0) {
                    flBitmap &= ~(1L << i[0]);
                }
            }
        }
        markFree(h, false);
    }

    /** A free block of at least {@code size} payload bytes, taken out of its list, or 0. */
    private long findFree(long size) {
        int[] i = mappingSearch(size);
        if (i[0] >= flCount) {
            return 0;
        }
        int fl = i[0];
        int slMap = slBitmap[fl] & (-1 << i[1]);
        if (slMap == 0) {
            long flMap = flBitmap & (-1L << (fl + 1));
            if (fl + 1 >= 64 || flMap == 0) {
                return 0;
            }
            fl = Long.numberOfTrailingZeros(flMap);
            slMap = slBitmap[fl];
        }
        long h = heads[fl][Integer.numberOfTrailingZeros(slMap)];
        removeFree(h);
        return h;
    }

    /** Cuts used block {@code h} down to {@code size} payload bytes when the rest makes a block; files the rest. */
    final void split(long h, long size) {
        long rest = sizeOf(h) - size;
        if (rest < HEADER + MIN_PAYLOAD) {
            return;
        }
        long after = next(h);
        setSize(h, size);
        long r = next(h);
        setSize(r, rest - HEADER);
        setPrev(r, h);
        setPrev(after, r);
        if (isFree(after)) {
            removeFree(after);
            absorb(r, after);
        }
        insert(r);
    }

    /** Joins block {@code b}, physically after {@code a}, into {@code a}. */
    final void absorb(long a, long b) {
        setSize(a, sizeOf(a) + HEADER + sizeOf(b));
        setPrev(next(a), a);
    }

    /**
     * Grows used block {@code h} in place to at least {@code size} payload bytes by taking the free block after it,
     * when that is enough; the excess is split off again. False when it is not.
     */
    protected boolean growInPlace(long h, long size) {
        long after = next(h);
        if (!isFree(after) || sizeOf(h) + HEADER + sizeOf(after) < size) {
            return false;
        }
        removeFree(after);
        absorb(h, after);
        split(h, size);
        return true;
    }

    // ------------------------------------------------------------------ the SPI

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    private void open(String op) {
        if (closed) {
            throw new AllocatorClosedException(descriptor.id(), op, "the allocator is closed");
        }
    }

    private static long payloadFor(long size) {
        return Math.max(MIN_PAYLOAD, (size + ALIGN - 1) & -ALIGN);
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        lock.lock();
        try {
            open(op);
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
            if (byteAlignment > ALIGN) {
                throw new InvalidAlignmentException(descriptor.id(), op, "alignment " + byteAlignment
                        + " is above the 16 every block has");
            }
            long payload = take(op, byteSize);
            live.put(payload, byteSize);
            freed.remove(payload);
            liveBytes += byteSize;
            return MemorySegment.ofAddress(payload).reinterpret(byteSize);
        } finally {
            lock.unlock();
        }
    }

    private long take(String op, long byteSize) {
        long size = payloadFor(byteSize);
        long h = findFree(size);
        if (h == 0) {
            throw new AddressSpaceExhaustedException(descriptor.id(), op, "no free block of " + size + " bytes in its "
                    + poolBytes + "-byte pool");
        }
        split(h, size);
        return h + HEADER;
    }

    /** The requested size of live block {@code a}, or the refusal of a free of it. */
    private long checkLive(String op, long a) {
        Long size = live.get(a);
        if (size != null) {
            return size;
        }
        if (a < base || a >= base + poolBytes) {
            throw new InvalidFreeException(descriptor.id(), op, InvalidFreeException.Reason.FOREIGN,
                    "the address is outside the pool");
        }
        Map.Entry<Long, Long> below = live.floorEntry(a);
        if (below != null && a < below.getKey() + sizeOf(below.getKey() - HEADER)) {
            throw new InvalidFreeException(descriptor.id(), op, InvalidFreeException.Reason.INTERIOR,
                    "the address is inside the block at 0x" + Long.toHexString(below.getKey()));
        }
        throw new InvalidFreeException(descriptor.id(), op, freed.contains(a) ? InvalidFreeException.Reason.DOUBLE
                : InvalidFreeException.Reason.UNKNOWN, "no live block starts there");
    }

    @Override
    public void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        lock.lock();
        try {
            open(op);
            long a = block.address();
            liveBytes -= checkLive(op, a);
            live.remove(a);
            release(a - HEADER);
            remember(a);
        } finally {
            lock.unlock();
        }
    }

    private void remember(long a) {
        freed.add(a);
        if (freed.size() > FORGET_AFTER) {
            freed.remove(freed.iterator().next());
        }
    }

    /** Frees used block {@code h}: coalesced with its free neighbours, then filed. */
    private void release(long h) {
        long prev = prevOf(h);
        if (prev != 0 && isFree(prev)) {
            removeFree(prev);
            absorb(prev, h);
            h = prev;
        }
        long after = next(h);
        if (isFree(after)) {
            removeFree(after);
            absorb(h, after);
        }
        insert(h);
    }

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        String op = Requests.onBlock("reallocate", block.address(), block.byteSize()) + "->" + newSize;
        lock.lock();
        try {
            open(op);
            long a = block.address();
            long old = checkLive(op, a);
            Requests.checkSize(descriptor, op, newSize);
            long h = a - HEADER;
            long want = payloadFor(newSize);
            if (want <= sizeOf(h)) {
                split(h, want);
            } else if (!growInPlace(h, want)) {
                long moved = take(op, newSize);
                MemorySegment.copy(MemorySegment.ofAddress(a).reinterpret(old), 0,
                        MemorySegment.ofAddress(moved).reinterpret(newSize), 0, Math.min(old, newSize));
                live.remove(a);
                release(h);
                remember(a);
                a = moved;
            }
            live.put(a, newSize);
            freed.remove(a);
            liveBytes += newSize - old;
            return MemorySegment.ofAddress(a).reinterpret(newSize);
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
            checkLive(op, block.address());
            return sizeOf(block.address() - HEADER);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public java.util.Optional<BlockInfo> owner(long address) {
        lock.lock();
        try {
            open("owner(address=0x" + Long.toHexString(address) + ")");
            Map.Entry<Long, Long> below = live.floorEntry(address);
            if (below == null || address >= below.getKey() + sizeOf(below.getKey() - HEADER)) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new BlockInfo(below.getKey(), sizeOf(below.getKey() - HEADER), -1));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean owns(long address, long length) {
        lock.lock();
        try {
            open("owns(address=0x" + Long.toHexString(address) + ", length=" + length + ")");
            return length >= 0 && address >= base && address < base + poolBytes
                    && length <= base + poolBytes - address;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Stats stats() {
        lock.lock();
        try {
            open("stats()");
            return new Stats(0, 0, liveBytes, live.size());
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
            live.clear();
            int rc = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(base), poolBytes);
            if (rc != 0) {
                throw new IllegalStateException("munmap of the pool failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            lock.unlock();
        }
    }
}
