package io.vakit.design.chunks;

import io.vakit.ds.IndexList;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The region records of every segment, 16 bytes each, in the init arena (allocated at start-up):
 * <pre>
 *  0 u8  next, 1 u8 prev   links of the segment's list of regions of this type with a free block
 *  2 u8  type              FREE, ITEMS, CHUNK_RUNS or BLOCK_RUNS
 *  4 u16 count             blocks in use (0 .. blocksPerRegion; 256 needs 9 bits)
 *  6 u16 free index        the lowest free block (blocksPerRegion when none)
 *  8 u32 binmap            the FSA handle of the region's block binmap (0 while FREE)
 * </pre>
 */
final class RegionRecords {
    static final long BYTES = 16;
    static final long NEXT = 0;
    static final long PREV = 1;
    static final long TYPE = 2;
    static final long COUNT = 4;
    static final long FREE_INDEX = 6;
    static final long BINMAP = 8;

    static final int FREE = 0;
    static final int ITEMS = 1;
    static final int CHUNK_RUNS = 2;
    static final int BLOCK_RUNS = 3;

    private final MemorySegment records;
    private final int perSegment;

    RegionRecords(MemorySegment records, int perSegment) {
        this.records = records;
        this.perSegment = perSegment;
    }

    static long bytesFor(ChunksConfig c) {
        return BYTES * c.segments() * c.regionsPerSegment();
    }

    private long at(int s, int r) {
        return (s * (long) perSegment + r) * BYTES;
    }

    /** The list, through the records of segment {@code s}, whose head is {@code head} (u16, 2 bytes). */
    IndexList list(int s, MemorySegment head) {
        return new IndexList(IndexList.Width.U8, records.address() + at(s, 0), BYTES, NEXT, PREV, head);
    }

    int type(int s, int r) {
        return records.get(ValueLayout.JAVA_BYTE, at(s, r) + TYPE);
    }

    void setType(int s, int r, int type) {
        records.set(ValueLayout.JAVA_BYTE, at(s, r) + TYPE, (byte) type);
    }

    int count(int s, int r) {
        return Short.toUnsignedInt(records.get(ValueLayout.JAVA_SHORT_UNALIGNED, at(s, r) + COUNT));
    }

    void setCount(int s, int r, int count) {
        records.set(ValueLayout.JAVA_SHORT_UNALIGNED, at(s, r) + COUNT, (short) count);
    }

    int freeIndex(int s, int r) {
        return Short.toUnsignedInt(records.get(ValueLayout.JAVA_SHORT_UNALIGNED, at(s, r) + FREE_INDEX));
    }

    void setFreeIndex(int s, int r, int index) {
        records.set(ValueLayout.JAVA_SHORT_UNALIGNED, at(s, r) + FREE_INDEX, (short) index);
    }

    int binmap(int s, int r) {
        return records.get(ValueLayout.JAVA_INT_UNALIGNED, at(s, r) + BINMAP);
    }

    void setBinmap(int s, int r, int handle) {
        records.set(ValueLayout.JAVA_INT_UNALIGNED, at(s, r) + BINMAP, handle);
    }

    /** Zeroes the record of region {@code r} but its links (it may still be in a list). */
    void clear(int s, int r) {
        records.asSlice(at(s, r) + TYPE, BYTES - TYPE).fill((byte) 0);
    }
}
