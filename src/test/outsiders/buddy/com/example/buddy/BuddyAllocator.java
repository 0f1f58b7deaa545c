package com.example.buddy;

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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A binary buddy allocator (Knowlton, 1965) over one arena aligned to its own size: a block of order {@code k} is
 * {@code 2^k} bytes at an offset that is a multiple of {@code 2^k}, its buddy the block at the offset with bit
 * {@code k} flipped. An allocation takes the lowest free block of the smallest order that fits, splitting larger ones
 * down; a free merges with its buddy for as long as the buddy is free. Bookkeeping lives on the heap (a sorted set of
 * free offsets per order, a map of live blocks), never in the arena. Every method is synchronized.
 */
public class BuddyAllocator implements Allocator {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MMAP = LINKER.downcallHandle(LINKER.defaultLookup().find("mmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(LINKER.defaultLookup().find("munmap").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    /** A live block: its order and the size asked for it. */
    private record Live(int order, long size) {}

    private final DesignDescriptor descriptor;
    private final Arena.Shape shape;
    private final long base;
    private final long mapped;
    private final long mappedBytes;
    private final TreeSet<Long>[] free;
    private final TreeMap<Long, Live> live = new TreeMap<>(); // offset -> block
    private final LinkedHashSet<Long> freed = new LinkedHashSet<>();
    private final Map<Integer, Long> handedOut = new HashMap<>(); // order -> blocks of it live, for the curious
    private long liveBytes;
    private boolean closed;

    /** The two shapes this allocator comes in; their sizes are read wherever an arena is laid out. */
    public enum Arena {
        ;

        /** An arena of {@code 2^top} bytes cut down to blocks of {@code 2^MIN_ORDER}. */
        public enum Shape {
            NORMAL(30), SMALL(20);

            /** The order of the whole arena. */
            final int top;

            Shape(int top) {
                this.top = top;
            }

            long bytes() {
                return 1L << top;
            }
        }

        /** The smallest block: 32 bytes. */
        public static final int MIN_ORDER = 5;
        /** The largest block a request may ask for: 64 MiB (the whole arena in the small shape). */
        public static final int MAX_REQUEST_ORDER = 26;
    }

    /** An allocator over a fresh arena of {@code shape}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public BuddyAllocator(DesignDescriptor descriptor, Arena.Shape shape) {
        this.descriptor = descriptor;
        this.shape = shape;
        long bytes = shape.bytes();
        this.mappedBytes = 2 * bytes; // mapped twice as large, to cut an arena aligned to its size out of it
        this.mapped = map(mappedBytes);
        this.base = (mapped + bytes - 1) & -bytes;
        this.free = new TreeSet[shape.top + 1];
        for (int k = 0; k <= shape.top; k++) {
            free[k] = new TreeSet<>();
        }
        free[shape.top].add(0L);
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

    /** The order of a request of {@code size} bytes at {@code alignment}: its power of two, at least 32 bytes. */
    static int orderOf(long size, long alignment) {
        long need = Math.max(size, alignment);
        return Math.max(Arena.MIN_ORDER, 64 - Long.numberOfLeadingZeros(need - 1));
    }

    /** The buddy of the block of order {@code k} at {@code offset}. */
    protected long buddyOf(long offset, int k) {
        return offset ^ (1L << k);
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
    public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        open(op);
        Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
        int k = orderOf(byteSize, byteAlignment);
        long offset = take(op, k);
        live.put(offset, new Live(k, byteSize));
        freed.remove(offset);
        handedOut.merge(k, 1L, Long::sum);
        liveBytes += byteSize;
        return MemorySegment.ofAddress(base + offset).reinterpret(byteSize);
    }

    private long take(String op, int k) {
        int j = k;
        while (j <= shape.top && free[j].isEmpty()) {
            j++;
        }
        if (j > shape.top) {
            throw new AddressSpaceExhaustedException(descriptor.id(), op, "no free block of order " + k + " ("
                    + (1L << k) + " bytes) in its " + shape.bytes() + "-byte arena");
        }
        long offset = free[j].pollFirst();
        while (j > k) {
            j--;
            free[j].add(offset + (1L << j)); // the upper half stays free
        }
        return offset;
    }

    private void give(long offset, int k) {
        while (k < shape.top) {
            long buddy = buddyOf(offset, k);
            if (!free[k].remove(buddy)) {
                break;
            }
            offset = Math.min(offset, buddy);
            k++;
        }
        free[k].add(offset);
    }

    /** The live block at {@code a}, or the refusal of a free of it. */
    private Live checkLive(String op, long a) {
        long offset = a - base;
        if (offset < 0 || offset >= shape.bytes()) {
            throw new InvalidFreeException(descriptor.id(), op, InvalidFreeException.Reason.FOREIGN,
                    "the address is outside the arena");
        }
        Live b = live.get(offset);
        if (b != null) {
            return b;
        }
        Map.Entry<Long, Live> below = live.floorEntry(offset);
        if (below != null && offset < below.getKey() + (1L << below.getValue().order())) {
            throw new InvalidFreeException(descriptor.id(), op, InvalidFreeException.Reason.INTERIOR,
                    "the address is inside the block at 0x" + Long.toHexString(base + below.getKey()));
        }
        throw new InvalidFreeException(descriptor.id(), op, freed.contains(offset) ? InvalidFreeException.Reason.DOUBLE
                : InvalidFreeException.Reason.UNKNOWN, "no live block starts there");
    }

    @Override
    public synchronized void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        open(op);
        Live b = checkLive(op, block.address());
        release(block.address() - base, b);
    }

    private void release(long offset, Live b) {
        live.remove(offset);
        liveBytes -= b.size();
        handedOut.merge(b.order(), -1L, Long::sum);
        give(offset, b.order());
        freed.add(offset);
        if (freed.size() > 4096) {
            freed.remove(freed.iterator().next());
        }
    }

    @Override
    public synchronized MemorySegment reallocate(MemorySegment block, long newSize) {
        String op = Requests.onBlock("reallocate", block.address(), block.byteSize()) + "->" + newSize;
        open(op);
        Live b = checkLive(op, block.address());
        Requests.checkSize(descriptor, op, newSize);
        long offset = block.address() - base;
        int k = orderOf(newSize, 1);
        if (k == b.order()) {
            live.put(offset, new Live(k, newSize));
            liveBytes += newSize - b.size();
            return MemorySegment.ofAddress(block.address()).reinterpret(newSize);
        }
        long moved = take(op, k);
        MemorySegment.copy(MemorySegment.ofAddress(block.address()).reinterpret(b.size()), 0,
                MemorySegment.ofAddress(base + moved).reinterpret(newSize), 0, Math.min(b.size(), newSize));
        release(offset, b);
        live.put(moved, new Live(k, newSize));
        freed.remove(moved);
        handedOut.merge(k, 1L, Long::sum);
        liveBytes += newSize;
        return MemorySegment.ofAddress(base + moved).reinterpret(newSize);
    }

    @Override
    public synchronized long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        open(op);
        return 1L << checkLive(op, block.address()).order();
    }

    @Override
    public synchronized Optional<BlockInfo> owner(long address) {
        open("owner(address=0x" + Long.toHexString(address) + ")");
        Map.Entry<Long, Live> below = live.floorEntry(address - base);
        if (address < base || below == null || address - base >= below.getKey() + (1L << below.getValue().order())) {
            return Optional.empty();
        }
        int k = below.getValue().order();
        return Optional.of(new BlockInfo(base + below.getKey(), 1L << k, k - Arena.MIN_ORDER));
    }

    @Override
    public synchronized boolean owns(long address, long length) {
        open("owns(address=0x" + Long.toHexString(address) + ", length=" + length + ")");
        return length >= 0 && address >= base && address - base < shape.bytes()
                && length <= shape.bytes() - (address - base);
    }

    @Override
    public synchronized Stats stats() {
        open("stats()");
        return new Stats(0, 0, liveBytes, live.size());
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        live.clear();
        try {
            int rc = (int) MUNMAP.invokeExact(MemorySegment.ofAddress(mapped), mappedBytes);
            if (rc != 0) {
                throw new IllegalStateException("munmap of the arena failed");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
