package io.vakit.design.chunks;

import io.vakit.ds.Binmap;
import io.vakit.ds.IndexList;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The chunk table of one block in use (ITEMS or CHUNK_RUNS): one 4 KiB item of the runtime FSA.
 * <pre>
 *    0  256 chunk records of 12 bytes:
 *         0 u8  next, 1 u8 prev  links of the block's list of ITEMS chunks with a free item (circular, u8)
 *         2 u16 count            ITEMS: live items (0 .. 256); RUN_HEAD: the run's chunks; RUN_BODY: the head chunk
 *         4 u16 free index       ITEMS: the lowest free item (capacity when full)
 *         6 u8  state            FREE, ITEMS, RUN_HEAD or RUN_BODY
 *         7 u8  class            ITEMS: the item class; RUN_HEAD: the run's class
 *         8 u32 binmap           ITEMS: the FSA handle of the chunk's element binmap
 * 3072  the block's chunk binmap: 256 bits, 64-bit words (40 bytes; bit = chunk in use)
 * 3112  u16 head of the list of ITEMS chunks with a free item (0xFFFF: empty)
 * 3114  unused (982 bytes)
 * </pre>
 * An item chunk's capacity is {@code 4096 / class size}: not stored, as the seed's u8 could not hold 256.
 */
final class ChunkTable {
    static final int BYTES = 4096;
    static final long RECORD = 12;
    static final long NEXT = 0;
    static final long PREV = 1;
    static final long COUNT = 2;
    static final long FREE_INDEX = 4;
    static final long STATE = 6;
    static final long CLASS = 7;
    static final long BINMAP = 8;
    static final long CHUNK_BINMAP = 256 * RECORD;
    static final long CHUNK_BINMAP_BYTES = Binmap.bytesFor(256, Binmap.WordSize.W64);
    static final long ACTIVE_HEAD = CHUNK_BINMAP + CHUNK_BINMAP_BYTES;
    static final long USED = ACTIVE_HEAD + 2;

    static final int FREE = 0;
    static final int ITEMS = 1;
    static final int RUN_HEAD = 2;
    static final int RUN_BODY = 3;

    final MemorySegment table;

    ChunkTable(long address) {
        this.table = MemorySegment.ofAddress(address).reinterpret(BYTES);
    }

    /** A fresh table: no chunk in use, the active list empty (the memory is zero). */
    static ChunkTable fresh(long address) {
        ChunkTable t = new ChunkTable(address);
        Binmap.over(t.table.asSlice(CHUNK_BINMAP, CHUNK_BINMAP_BYTES), 256, Binmap.WordSize.W64);
        t.active().clear();
        return t;
    }

    Binmap chunks() {
        return Binmap.attach(table.asSlice(CHUNK_BINMAP, CHUNK_BINMAP_BYTES), 256, Binmap.WordSize.W64);
    }

    IndexList active() {
        return new IndexList(IndexList.Width.U8, table.address(), RECORD, NEXT, PREV,
                table.asSlice(ACTIVE_HEAD, 2));
    }

    int u16(int k, long field) {
        return Short.toUnsignedInt(table.get(ValueLayout.JAVA_SHORT_UNALIGNED, k * RECORD + field));
    }

    void setU16(int k, long field, int value) {
        table.set(ValueLayout.JAVA_SHORT_UNALIGNED, k * RECORD + field, (short) value);
    }

    int u8(int k, long field) {
        return Byte.toUnsignedInt(table.get(ValueLayout.JAVA_BYTE, k * RECORD + field));
    }

    void setU8(int k, long field, int value) {
        table.set(ValueLayout.JAVA_BYTE, k * RECORD + field, (byte) value);
    }

    int binmap(int k) {
        return table.get(ValueLayout.JAVA_INT_UNALIGNED, k * RECORD + BINMAP);
    }

    void setBinmap(int k, int handle) {
        table.set(ValueLayout.JAVA_INT_UNALIGNED, k * RECORD + BINMAP, handle);
    }

    int state(int k) {
        return u8(k, STATE);
    }

    /** Zeroes chunk {@code k}'s record but its links. */
    void clear(int k) {
        table.asSlice(k * RECORD + COUNT, RECORD - COUNT).fill((byte) 0);
    }
}
