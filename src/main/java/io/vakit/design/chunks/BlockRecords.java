package io.vakit.design.chunks;

import io.vakit.ds.IndexList;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The block records of every segment, 16 bytes each, in the init arena (allocated at start-up), numbered in a segment
 * by {@code region * blocksPerRegion + block} (at most 65536: u16 links, all values nodes):
 * <pre>
 *  0 u16 next, 2 u16 prev  links of the segment's list of blocks with room (per item class, or of chunk runs)
 *  4 u16 count             chunks in use (0 .. 256)
 *  6 u16 free index        the lowest free chunk (256 when none)
 *  8 u8  state             FREE, ITEMS, CHUNK_RUNS, RUN_HEAD or RUN_BODY
 *  9 u8  class             ITEMS: the item class; RUN_HEAD: the run's class
 * 10 u16 unused
 * 12 u32 word              ITEMS, CHUNK_RUNS: the FSA handle of its chunk table; RUN_HEAD: the run's blocks;
 *                          RUN_BODY: the region's block index of the run's head
 * </pre>
 * A block's capacity is always 256 chunks, so it is not stored (the seed's u8 capacity could not hold it anyway).
 */
final class BlockRecords {
    static final long BYTES = 16;
    static final long NEXT = 0;
    static final long PREV = 2;
    static final long COUNT = 4;
    static final long FREE_INDEX = 6;
    static final long STATE = 8;
    static final long CLASS = 9;
    static final long WORD = 12;

    static final int FREE = 0;
    static final int ITEMS = 1;
    static final int CHUNK_RUNS = 2;
    static final int RUN_HEAD = 3;
    static final int RUN_BODY = 4;

    private final MemorySegment records;
    private final int perSegment;

    BlockRecords(MemorySegment records, int perSegment) {
        this.records = records;
        this.perSegment = perSegment;
    }

    static long bytesFor(ChunksConfig c) {
        return BYTES * c.segments() * c.blocksPerSegment();
    }

    private long at(int s, int b) {
        return (s * (long) perSegment + b) * BYTES;
    }

    /** The list, through the records of segment {@code s}, whose head is {@code head} (u32, 4 bytes). */
    IndexList list(int s, MemorySegment head) {
        return new IndexList(IndexList.Width.U16, records.address() + at(s, 0), BYTES, NEXT, PREV, head);
    }

    int u16(int s, int b, long field) {
        return Short.toUnsignedInt(records.get(ValueLayout.JAVA_SHORT_UNALIGNED, at(s, b) + field));
    }

    void setU16(int s, int b, long field, int value) {
        records.set(ValueLayout.JAVA_SHORT_UNALIGNED, at(s, b) + field, (short) value);
    }

    int u8(int s, int b, long field) {
        return Byte.toUnsignedInt(records.get(ValueLayout.JAVA_BYTE, at(s, b) + field));
    }

    void setU8(int s, int b, long field, int value) {
        records.set(ValueLayout.JAVA_BYTE, at(s, b) + field, (byte) value);
    }

    int word(int s, int b) {
        return records.get(ValueLayout.JAVA_INT_UNALIGNED, at(s, b) + WORD);
    }

    void setWord(int s, int b, int value) {
        records.set(ValueLayout.JAVA_INT_UNALIGNED, at(s, b) + WORD, value);
    }

    int state(int s, int b) {
        return u8(s, b, STATE);
    }

    /** Zeroes the record of block {@code b} but its links. */
    void clear(int s, int b) {
        records.asSlice(at(s, b) + COUNT, BYTES - COUNT).fill((byte) 0);
    }
}
