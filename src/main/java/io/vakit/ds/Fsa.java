package io.vakit.ds;

import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fixed-size allocation for runtime metadata (seed 000's runtime heap): items of the powers of two from 8 B to
 * 32 KiB, each block of {@link #blockSize()} bytes serving one item size, all in one reservation:
 *
 * <pre>
 * [ block records: 16 B each ][ live-item binmaps ][ ... padding ... ][ block 0 ][ block 1 ] ... [ block n-1 ]
 *   committed a page at a time, as blocks come into use               committed when a block is taken,
 *                                                                      decommitted when it empties
 * </pre>
 *
 * A block keeps a bump index for items never used, an intrusive u16 free list (the link lives in the freed item)
 * and a count. Each size has a doubly linked list (u32 block indices) of blocks that are not full; a full block
 * leaves it and comes back on its first free. An empty block is decommitted and goes to the free-block list.
 * A per-block {@link Binmap} of live items makes a foreign, unaligned or double free detectable in O(1) (plus the
 * binmap's O(levels)); refused frees change nothing.
 *
 * <p>Thread-safe: one on-heap lock guards every operation.
 */
public final class Fsa implements AutoCloseable {
    /** The smallest item size. */
    public static final int MIN_ITEM = 8;
    /** The largest item size. */
    public static final int MAX_ITEM = 32 * 1024;
    /** The number of item sizes: 8, 16, ..., 32 KiB. */
    public static final int SIZES = 13;
    /** The largest block size: its 8-byte items must be numbered by u16 indices below the 0xFFFF sentinel. */
    public static final int MAX_BLOCK = 256 * 1024;
    /** The default block size, as in csuperalloc. */
    public static final int DEFAULT_BLOCK = 64 * 1024;

    private static final int NIL16 = 0xFFFF;
    private static final int NIL = -1;
    private static final long RECORD = 16;
    // record fields
    private static final long FREE_HEAD = 0;
    private static final long BUMP = 2;
    private static final long COUNT = 4;
    private static final long SIZE_INDEX = 6;
    private static final long STATE = 7;
    private static final long PREV = 8;
    private static final long NEXT = 12;
    private static final byte ACTIVE = 1;

    private final int blockSize;
    private final int blockCount;
    private final long page = VirtualMemory.pageSize();
    private final Reservation space;
    private final MemorySegment mem;
    private final long recordsBytes;
    private final long mapStride;
    private final long blocksOffset;
    private final boolean[] metaPageCommitted;
    private final Binmap[] live;
    private final int[] heads = new int[SIZES];
    private final long[] liveItems = new long[SIZES];
    private final ReentrantLock lock = new ReentrantLock();
    private int freeBlocks = NIL;
    private int untouched;
    private long committedBytes;
    private boolean closed;

    /** An FSA of 1024 blocks of 64 KiB (64 MiB of address space). */
    public Fsa() {
        this(VirtualMemory.system(), DEFAULT_BLOCK, 1024);
    }

    /**
     * An FSA of {@code blockCount} blocks of {@code blockSize} bytes.
     *
     * @param blockSize a power of two from 32 KiB (one item of the largest size) to 512 KiB (u16 item indices)
     * @throws IllegalArgumentException for other sizes or a count below 1
     */
    public Fsa(VirtualMemory vm, int blockSize, int blockCount) {
        if (Integer.bitCount(blockSize) != 1 || blockSize < Math.max(MAX_ITEM, page) || blockSize > MAX_BLOCK) {
            throw new IllegalArgumentException("Fsa(blockSize=" + blockSize + "): must be a power of two from "
                    + MAX_ITEM + " (and a page) to " + MAX_BLOCK);
        }
        if (blockCount < 1) {
            throw new IllegalArgumentException("Fsa(blockCount=" + blockCount + "): must be at least 1");
        }
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.recordsBytes = blockCount * RECORD;
        this.mapStride = (Binmap.bytesFor(blockSize / MIN_ITEM, Binmap.WordSize.W64) + 63) & -64;
        long meta = recordsBytes + blockCount * mapStride;
        this.blocksOffset = (meta + blockSize - 1) & -(long) blockSize;
        this.space = vm.reserve(blocksOffset + (long) blockCount * blockSize, blockSize);
        this.mem = space.segment(0, space.size());
        this.metaPageCommitted = new boolean[(int) (blocksOffset / page)];
        this.live = new Binmap[blockCount];
        Arrays.fill(heads, NIL);
    }

    /** The size of a block. */
    public int blockSize() {
        return blockSize;
    }

    /** The number of blocks. */
    public int blockCount() {
        return blockCount;
    }

    /** The item size a request of {@code size} bytes gets: the next power of two, at least 8. */
    public static int itemSize(int size) {
        if (size < 1 || size > MAX_ITEM) {
            throw new IllegalArgumentException("itemSize(" + size + "): the FSA serves 1 to " + MAX_ITEM + " bytes");
        }
        return size <= MIN_ITEM ? MIN_ITEM : Integer.highestOneBit(size - 1) << 1;
    }

    private static int sizeIndex(int itemSize) {
        return Integer.numberOfTrailingZeros(itemSize) - 3;
    }

    /**
     * Allocates an item of at least {@code size} bytes, aligned to its item size. O(1), plus one commit when a
     * block is taken.
     *
     * @throws IllegalArgumentException for a size outside 1..32 KiB
     * @throws OutOfSpaceException when no block is free
     */
    public MemorySegment allocate(int size) {
        int item = itemSize(size);
        lock.lock();
        try {
            checkOpen("allocate(size=" + size + ")");
            int si = sizeIndex(item);
            int b = heads[si];
            if (b == NIL) {
                b = takeBlock(si, size);
            }
            long rec = recordOffset(b);
            int index = u16(rec + FREE_HEAD);
            if (index != NIL16) {
                putU16(rec + FREE_HEAD, u16(blockAddress(b, index, item)));
            } else {
                index = u16(rec + BUMP);
                putU16(rec + BUMP, index + 1);
            }
            int count = u16(rec + COUNT) + 1;
            putU16(rec + COUNT, count);
            live[b].set(index);
            liveItems[si]++;
            if (count == blockSize / item) {
                unlink(si, b);
            }
            return MemorySegment.ofAddress(space.base() + blocksOffset + (long) b * blockSize + (long) index * item)
                    .reinterpret(item);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees an item. O(1).
     *
     * @throws ItemFreeException for a foreign, unaligned or not-live address; nothing changes
     */
    public void free(long address) {
        lock.lock();
        try {
            checkOpen("free(address=0x" + Long.toHexString(address) + ")");
            long offset = address - space.base() - blocksOffset;
            if (offset < 0 || offset >= (long) blockCount * blockSize) {
                throw new ItemFreeException(ItemFreeException.Kind.FOREIGN, address, "outside the FSA's blocks "
                        + space);
            }
            int b = (int) (offset / blockSize);
            long rec = recordOffset(b);
            if (live[b] == null) {
                throw new ItemFreeException(ItemFreeException.Kind.DOUBLE, address, "block " + b
                        + " holds no live item (it emptied and was released)");
            }
            int si = mem.get(ValueLayout.JAVA_BYTE, rec + SIZE_INDEX);
            int item = MIN_ITEM << si;
            long inBlock = offset - (long) b * blockSize;
            if (inBlock % item != 0) {
                throw new ItemFreeException(ItemFreeException.Kind.UNALIGNED, address, "inside an item of " + item
                        + " bytes of block " + b);
            }
            int index = (int) (inBlock / item);
            if (index >= u16(rec + BUMP) || !live[b].get(index)) {
                throw new ItemFreeException(ItemFreeException.Kind.DOUBLE, address, "item " + index + " of block "
                        + b + " is not live");
            }
            live[b].clear(index);
            liveItems[si]--;
            int count = u16(rec + COUNT);
            putU16(blockAddress(b, index, item), u16(rec + FREE_HEAD));
            putU16(rec + FREE_HEAD, index);
            putU16(rec + COUNT, count - 1);
            if (count == blockSize / item) {
                push(si, b);
            }
            if (count - 1 == 0) {
                releaseBlock(si, b);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A mark to rewind to: the blocks first touched after it, with the metadata pages only they use, can be given
     * back by {@link #rewindTo} once they hold no live item.
     */
    public int mark() {
        lock.lock();
        try {
            return untouched;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Undoes the blocks first touched since {@code mark}, from the top down, while the topmost holds no live item:
     * each leaves the free-block list and is untouched again, and the metadata pages no block below it uses are
     * decommitted. For a caller whose operation took items and freed them again because a later step failed: the FSA's
     * committed bytes are then what they were at the mark (its metadata pages otherwise stay committed once touched).
     */
    public void rewindTo(int mark) {
        lock.lock();
        try {
            while (untouched > mark && live[untouched - 1] == null) {
                unlinkFree(untouched - 1);
                untouched--;
            }
            for (int p = 0; p < metaPageCommitted.length; p++) {
                if (metaPageCommitted[p] && !metaPageUsed(p, untouched)) {
                    space.decommit(p * page, page);
                    metaPageCommitted[p] = false;
                    committedBytes -= page;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** True when page {@code p} holds a record or a live-item map of one of the first {@code blocks} blocks. */
    private boolean metaPageUsed(int p, int blocks) {
        long from = p * page;
        long to = from + page;
        boolean records = from < blocks * RECORD;
        boolean maps = from < recordsBytes + blocks * mapStride && to > recordsBytes;
        return blocks > 0 && (records || maps);
    }

    /** Takes released block {@code b} off the free-block list. */
    private void unlinkFree(int b) {
        int prev = NIL;
        int cur = freeBlocks;
        while (cur != b) {
            prev = cur;
            cur = u32(recordOffset(cur) + NEXT);
        }
        int next = u32(recordOffset(b) + NEXT);
        if (prev == NIL) {
            freeBlocks = next;
        } else {
            putU32(recordOffset(prev) + NEXT, next);
        }
    }

    /** The item size of the live item at {@code address}, or -1 when none starts there. */
    public int sizeOf(long address) {
        lock.lock();
        try {
            long offset = address - space.base() - blocksOffset;
            if (closed || offset < 0 || offset >= (long) blockCount * blockSize) {
                return -1;
            }
            int b = (int) (offset / blockSize);
            if (live[b] == null) {
                return -1;
            }
            int item = MIN_ITEM << mem.get(ValueLayout.JAVA_BYTE, recordOffset(b) + SIZE_INDEX);
            long inBlock = offset - (long) b * blockSize;
            return inBlock % item == 0 && live[b].get(inBlock / item) ? item : -1;
        } finally {
            lock.unlock();
        }
    }

    /** Live items of each size, index 0 for 8 B up to 12 for 32 KiB. */
    public long[] liveItems() {
        lock.lock();
        try {
            return liveItems.clone();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of metadata committed now: the pages of block records and maps touched, which stay committed. */
    public long metadataCommitted() {
        lock.lock();
        try {
            long n = 0;
            for (boolean c : metaPageCommitted) {
                n += c ? page : 0;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes committed now: blocks in use, and the metadata pages touched. */
    public long committedBytes() {
        lock.lock();
        try {
            return committedBytes;
        } finally {
            lock.unlock();
        }
    }

    /** The first address of the reservation. */
    public long base() {
        return space.base();
    }

    /** Bytes reserved. */
    public long reservedBytes() {
        return space.size();
    }

    /** Releases the reservation. Later calls raise {@link IllegalStateException}; a second close does nothing. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                space.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private int takeBlock(int si, int size) {
        boolean fresh = freeBlocks == NIL;
        if (fresh && untouched >= blockCount) {
            throw new OutOfSpaceException("FSA allocate(size=" + size + ")", "all " + blockCount + " blocks of "
                    + blockSize + " bytes are in use");
        }
        int b = fresh ? untouched : freeBlocks;
        space.commit(blocksOffset + (long) b * blockSize, blockSize); // a failure here changes nothing
        if (fresh) {
            try {
                commitMeta(b);
            } catch (RuntimeException e) {
                space.decommit(blocksOffset + (long) b * blockSize, blockSize);
                throw e;
            }
            untouched++;
        } else {
            freeBlocks = u32(recordOffset(b) + NEXT);
        }
        committedBytes += blockSize;
        long rec = recordOffset(b);
        putU16(rec + FREE_HEAD, NIL16);
        putU16(rec + BUMP, 0);
        putU16(rec + COUNT, 0);
        mem.set(ValueLayout.JAVA_BYTE, rec + SIZE_INDEX, (byte) si);
        mem.set(ValueLayout.JAVA_BYTE, rec + STATE, ACTIVE);
        live[b] = Binmap.over(mem.asSlice(recordsBytes + b * mapStride, mapStride),
                blockSize / (MIN_ITEM << si), Binmap.WordSize.W64);
        push(si, b);
        return b;
    }

    private void releaseBlock(int si, int b) {
        unlink(si, b);
        space.decommit(blocksOffset + (long) b * blockSize, blockSize);
        committedBytes -= blockSize;
        live[b] = null;
        long rec = recordOffset(b);
        mem.set(ValueLayout.JAVA_BYTE, rec + STATE, (byte) 0);
        putU32(rec + NEXT, freeBlocks);
        freeBlocks = b;
    }

    /** Commits the metadata pages of block {@code b}; if one commit fails, the pages this call committed are undone. */
    private void commitMeta(int b) {
        java.util.List<Integer> done = new java.util.ArrayList<>();
        try {
            commitMetaRange(recordOffset(b), RECORD, done);
            commitMetaRange(recordsBytes + b * mapStride, mapStride, done);
        } catch (RuntimeException e) {
            for (int p : done) {
                space.decommit(p * page, page);
                metaPageCommitted[p] = false;
                committedBytes -= page;
            }
            throw e;
        }
    }

    private void commitMetaRange(long offset, long length, java.util.List<Integer> done) {
        for (long p = offset / page; p <= (offset + length - 1) / page; p++) {
            if (!metaPageCommitted[(int) p]) {
                space.commit(p * page, page);
                metaPageCommitted[(int) p] = true;
                committedBytes += page;
                done.add((int) p);
            }
        }
    }

    private void push(int si, int b) {
        long rec = recordOffset(b);
        putU32(rec + PREV, NIL);
        putU32(rec + NEXT, heads[si]);
        if (heads[si] != NIL) {
            putU32(recordOffset(heads[si]) + PREV, b);
        }
        heads[si] = b;
    }

    private void unlink(int si, int b) {
        long rec = recordOffset(b);
        int prev = u32(rec + PREV);
        int next = u32(rec + NEXT);
        if (prev != NIL) {
            putU32(recordOffset(prev) + NEXT, next);
        } else if (heads[si] == b) {
            heads[si] = next;
        }
        if (next != NIL) {
            putU32(recordOffset(next) + PREV, prev);
        }
        putU32(rec + PREV, NIL);
        putU32(rec + NEXT, NIL);
    }

    private long recordOffset(int b) {
        return b * RECORD;
    }

    private long blockAddress(int b, int index, int item) {
        return blocksOffset + (long) b * blockSize + (long) index * item;
    }

    private int u16(long offset) {
        return Short.toUnsignedInt(mem.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset));
    }

    private void putU16(long offset, int value) {
        mem.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) value);
    }

    private int u32(long offset) {
        return mem.get(ValueLayout.JAVA_INT_UNALIGNED, offset);
    }

    private void putU32(long offset, int value) {
        mem.set(ValueLayout.JAVA_INT_UNALIGNED, offset, value);
    }

    private void checkOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + " in FSA: closed");
        }
    }
}
