package com.example.mapper;

import io.vakit.spi.AddressRange;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.Requests;
import io.vakit.spi.Stats;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every block in a mapping of its own, in the manner of Electric Fence and PageHeap: the block ends at the last byte
 * before a guard page (mapped with no access), so an overrun faults at once. A freed mapping is kept in a small
 * cache by its length and handed to the next request of that length (its old contents are still there, so a zeroed
 * allocation clears it with libc's memset); past the cache's bound it is unmapped. The mappings, cached ones
 * included, are its reserved ranges; their data pages are its committed bytes.
 */
public class MapperAllocator implements Allocator {
    static final long PAGE = 4096;
    static final long ALIGN = 16;
    /** The cache keeps at most this many mappings of one length, and this many data bytes in all. */
    static final int CACHE_PER_LENGTH = 4;
    static final long CACHE_BYTES = 16L << 20;
    /** Every mapping this class ever made, in any allocator: for the curious. */
    static final AtomicLong MAPPINGS_EVER = new AtomicLong();

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MMAP = downcall("mmap", FunctionDescriptor.of(ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.JAVA_LONG));
    private static final MethodHandle MPROTECT = downcall("mprotect", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    /** libc's memset: how this allocator clears a cached mapping for a zeroed allocation. */
    static final MethodHandle MEMSET = downcall("memset", FunctionDescriptor.of(ValueLayout.ADDRESS,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));

    private static MethodHandle downcall(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
    }

    /** One mapping: {@code data} bytes of pages, then a guard page. */
    record Mapping(long start, long data) {
        long guard() {
            return start + data;
        }

        long bytes() {
            return data + PAGE;
        }
    }

    /** A live block: its mapping and the size asked for it. */
    record Block(long start, long size, Mapping mapping) {
        long usable() {
            return mapping.guard() - start;
        }
    }

    private final DesignDescriptor descriptor;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<Long, Block> live = new TreeMap<>();
    private final TreeMap<Long, Mapping> mappings = new TreeMap<>(); // every mapping, live or cached, by start
    private final Map<Long, ArrayDeque<Mapping>> cache = new HashMap<>();
    private final LinkedHashSet<Long> freed = new LinkedHashSet<>();
    private long cachedBytes;
    private long liveBytes;
    private long committed;
    private boolean closed;

    /** A fresh allocator; it maps nothing until asked. */
    public MapperAllocator(DesignDescriptor descriptor) {
        this.descriptor = descriptor;
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

    private static long pages(long bytes) {
        return (bytes + PAGE - 1) & -PAGE;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        lock.lock();
        try {
            open(op);
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
            return segment(place(op, byteSize, byteAlignment).block());
        } finally {
            lock.unlock();
        }
    }

    /** A block placed and recorded live, and whether its mapping came from the cache (its bytes are old). */
    record Placed(Block block, boolean reused) {}

    private Placed place(String op, long size, long alignment) {
        long a = Math.max(ALIGN, alignment);
        long data = pages(size + (a > ALIGN ? a : 0));
        ArrayDeque<Mapping> cached = cache.get(data);
        Mapping m = cached == null ? null : cached.pollFirst();
        boolean reused = m != null;
        if (reused) {
            cachedBytes -= data;
        } else {
            m = map(op, data);
        }
        long start = (m.guard() - size) & -a;
        Block b = new Block(start, size, m);
        live.put(start, b);
        freed.remove(start);
        liveBytes += size;
        return new Placed(b, reused);
    }

    private Mapping map(String op, long data) {
        try {
            MemorySegment s = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, data + PAGE, 3, 0x02 | 0x20, -1, 0L);
            if (s.address() == -1L) {
                throw new AddressSpaceExhaustedException(descriptor.id(), op, "mmap of " + (data + PAGE)
                        + " bytes failed");
            }
            int rc = (int) MPROTECT.invokeExact(MemorySegment.ofAddress(s.address() + data), PAGE, 0);
            if (rc != 0) {
                throw new IllegalStateException("mprotect of a guard page failed");
            }
            MAPPINGS_EVER.incrementAndGet();
            Mapping m = new Mapping(s.address(), data);
            mappings.put(m.start(), m);
            committed += data;
            return m;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void unmap(Mapping m) {
        try {
            int rc = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(m.start()), m.bytes());
            if (rc != 0) {
                throw new IllegalStateException("munmap failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        mappings.remove(m.start());
        committed -= m.data();
    }

    private static MemorySegment segment(Block b) {
        return MemorySegment.ofAddress(b.start()).reinterpret(b.size());
    }

    @Override
    public MemorySegment allocateZeroed(long byteSize) {
        String op = "allocateZeroed(size=" + byteSize + ")";
        lock.lock();
        try {
            open(op);
            Requests.checkSize(descriptor, op, byteSize);
            Placed p = place(op, byteSize, 1);
            if (p.reused()) {
                zero(p.block());
            }
            return segment(p.block());
        } finally {
            lock.unlock();
        }
    }

    /** Clears the bytes of a block whose mapping held another block before. */
    protected void zero(Block b) {
        memset(b.start(), b.size());
    }

    static void memset(long address, long bytes) {
        try {
            MemorySegment ignored = (MemorySegment) MEMSET.invokeExact(MemorySegment.ofAddress(address), 0, bytes);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The live block at {@code a}, or the refusal of a free of it. */
    private Block checkLive(String op, long a) {
        Block b = live.get(a);
        if (b != null) {
            return b;
        }
        Map.Entry<Long, Block> below = live.floorEntry(a);
        if (below != null && a < below.getValue().mapping().guard()) {
            throw new InvalidFreeException(descriptor.id(), op, InvalidFreeException.Reason.INTERIOR,
                    "the address is inside the block at 0x" + Long.toHexString(below.getKey()));
        }
        if (freed.contains(a)) {
            throw new InvalidFreeException(descriptor.id(), op, InvalidFreeException.Reason.DOUBLE,
                    "the block at this address was freed");
        }
        // outside every mapping it holds, the address may be one it handed out and forgot, or never its own: the
        // kernel reuses addresses, so this allocator cannot tell which
        throw new InvalidFreeException(descriptor.id(), op, InvalidFreeException.Reason.UNKNOWN,
                "no live block starts there");
    }

    @Override
    public void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        lock.lock();
        try {
            open(op);
            release(checkLive(op, block.address()));
        } finally {
            lock.unlock();
        }
    }

    private void release(Block b) {
        live.remove(b.start());
        liveBytes -= b.size();
        freed.add(b.start());
        if (freed.size() > 4096) {
            freed.remove(freed.iterator().next());
        }
        Mapping m = b.mapping();
        ArrayDeque<Mapping> same = cache.computeIfAbsent(m.data(), k -> new ArrayDeque<>());
        if (same.size() < CACHE_PER_LENGTH && cachedBytes + m.data() <= CACHE_BYTES) {
            same.addFirst(m);
            cachedBytes += m.data();
        } else {
            unmap(m);
        }
    }

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        String op = Requests.onBlock("reallocate", block.address(), block.byteSize()) + "->" + newSize;
        lock.lock();
        try {
            open(op);
            Block b = checkLive(op, block.address());
            Requests.checkSize(descriptor, op, newSize);
            if (newSize <= b.usable()) {
                live.put(b.start(), new Block(b.start(), newSize, b.mapping()));
                liveBytes += newSize - b.size();
                return MemorySegment.ofAddress(b.start()).reinterpret(newSize);
            }
            Block moved = place(op, newSize, 1).block();
            MemorySegment.copy(segment(b), 0, segment(moved), 0, Math.min(b.size(), newSize));
            release(b);
            return segment(moved);
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
            return checkLive(op, block.address()).usable();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<BlockInfo> owner(long address) {
        lock.lock();
        try {
            open("owner(address=0x" + Long.toHexString(address) + ")");
            Map.Entry<Long, Block> below = live.floorEntry(address);
            if (below == null || address >= below.getValue().mapping().guard()) {
                return Optional.empty();
            }
            Block b = below.getValue();
            return Optional.of(new BlockInfo(b.start(), b.usable(), -1));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean owns(long address, long length) {
        lock.lock();
        try {
            open("owns(address=0x" + Long.toHexString(address) + ", length=" + length + ")");
            Map.Entry<Long, Mapping> m = mappings.floorEntry(address);
            return length >= 0 && m != null && address - m.getValue().start() < m.getValue().bytes()
                    && length <= m.getValue().start() + m.getValue().bytes() - address;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<AddressRange> reservedRanges() {
        lock.lock();
        try {
            open("reservedRanges()");
            List<AddressRange> out = new ArrayList<>();
            for (Mapping m : mappings.values()) {
                out.add(new AddressRange(m.start(), m.bytes()));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }

    /** Idle, only the cache is committed: at most its bound. */
    @Override
    public long idleCommittedBound() {
        lock.lock();
        try {
            open("idleCommittedBound()");
            return CACHE_BYTES;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Stats stats() {
        lock.lock();
        try {
            open("stats()");
            long reserved = mappings.values().stream().mapToLong(Mapping::bytes).sum();
            return new Stats(reserved, committed, liveBytes, live.size());
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
            for (Mapping m : List.copyOf(mappings.values())) {
                unmap(m);
            }
            live.clear();
            cache.clear();
        } finally {
            lock.unlock();
        }
    }
}
