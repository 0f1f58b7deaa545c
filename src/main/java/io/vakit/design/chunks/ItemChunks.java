package io.vakit.design.chunks;

import io.vakit.ds.Binmap;
import io.vakit.ds.IndexList;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;

/**
 * Items of the classes up to 4 KiB: a block serves one item class; its chunks are taken one at a time (committed
 * then), each with an element binmap in the FSA, and a chunk with a free item is on its block's u8 list of active
 * chunks; a block with room (an active chunk, or a free one) is on its segment's u16 list for the class. An item
 * goes at the lowest free index of the first active chunk of the first block with room. A chunk that empties is
 * decommitted and given back, unless its class has no spare: then it stays, committed, as the class's spare, last in
 * its block's list. Not thread-safe: the allocator's lock guards it.
 */
final class ItemChunks {
    private final ChunksSpace space;
    private final Containers containers;
    private final ChunkClasses classes;
    private final String design;

    ItemChunks(ChunksSpace space, Containers containers, ChunkClasses classes) {
        this.space = space;
        this.containers = containers;
        this.classes = classes;
        this.design = space.design;
    }

    static int capacity(ChunkClasses classes, int c) {
        return (int) (ChunkClasses.CHUNK / classes.size(c));
    }

    /** An item of class {@code c}: its offset in the main reservation. */
    long allocate(int c, String op) {
        Containers.BlockId id = null;
        for (int s = 0; s < space.config.segments() && id == null; s++) {
            long b = space.itemBlocks(s, c).first();
            if (b != IndexList.NONE) {
                id = new Containers.BlockId(s, (int) b);
            }
        }
        boolean fresh = id == null;
        if (fresh) {
            id = containers.takeBlock(BlockRecords.ITEMS, c, op);
            space.itemBlocks(id.segment(), c).pushFront(id.block());
        }
        try {
            return fromBlock(id, c, op);
        } catch (RuntimeException e) {
            if (fresh) {
                space.itemBlocks(id.segment(), c).remove(id.block());
                containers.releaseBlock(id);
            }
            throw e;
        }
    }

    private long fromBlock(Containers.BlockId id, int c, String op) {
        int s = id.segment();
        int b = id.block();
        ChunkTable t = space.table(s, b);
        IndexList active = t.active();
        if (active.isEmpty()) {
            openChunk(id, t, c, op);
        }
        int k = (int) active.first();
        int cap = capacity(classes, c);
        Binmap items = elements(t, k, cap);
        int i = t.u16(k, ChunkTable.FREE_INDEX);
        items.set(i);
        int count = t.u16(k, ChunkTable.COUNT) + 1;
        t.setU16(k, ChunkTable.COUNT, count);
        long next = count == cap ? -1 : items.nextFree(i);
        t.setU16(k, ChunkTable.FREE_INDEX, next < 0 ? cap : (int) next);
        if (count == 1 && space.spare(c) == chunkId(s, b, k)) {
            space.setSpare(c, ChunksSpace.NO_SPARE);
        }
        if (count == cap) {
            active.remove(k);
            if (active.isEmpty() && space.blocks.u16(s, b, BlockRecords.COUNT) == 256) {
                space.itemBlocks(s, c).remove(b);
            }
        }
        return chunkOffset(s, b, k) + (long) i * classes.size(c);
    }

    /** Takes the block's lowest free chunk for class {@code c}: committed, with an element binmap, active. */
    private void openChunk(Containers.BlockId id, ChunkTable t, int c, String op) {
        int s = id.segment();
        int b = id.block();
        Binmap chunks = t.chunks();
        int k = (int) chunks.findFree();
        int cap = capacity(classes, c);
        long bytes = Binmap.bytesFor(cap, Binmap.WordSize.W64);
        space.commit(chunkOffset(s, b, k), ChunkClasses.CHUNK, op); // a failed commit changes nothing
        int handle;
        try {
            handle = space.metaAllocate(bytes, op, "a chunk's element binmap");
        } catch (RuntimeException e) {
            space.decommit(chunkOffset(s, b, k), ChunkClasses.CHUNK);
            throw e;
        }
        Binmap.over(java.lang.foreign.MemorySegment.ofAddress(space.address(handle)).reinterpret(bytes), cap,
                Binmap.WordSize.W64);
        chunks.set(k);
        t.clear(k);
        t.setU8(k, ChunkTable.STATE, ChunkTable.ITEMS);
        t.setU8(k, ChunkTable.CLASS, c);
        t.setBinmap(k, handle);
        int count = space.blocks.u16(s, b, BlockRecords.COUNT) + 1;
        space.blocks.setU16(s, b, BlockRecords.COUNT, count);
        long free = chunks.findFree();
        space.blocks.setU16(s, b, BlockRecords.FREE_INDEX, free < 0 ? 256 : (int) free);
        t.active().pushFront(k);
    }

    Binmap elements(ChunkTable t, int k, int cap) {
        return Binmap.attach(java.lang.foreign.MemorySegment.ofAddress(space.address(t.binmap(k)))
                .reinterpret(Binmap.bytesFor(cap, Binmap.WordSize.W64)), cap, Binmap.WordSize.W64);
    }

    /**
     * The item at {@code offset} of chunk {@code k} of an ITEMS block, checked for a free of {@code size} bytes
     * ({@code size <= 0}: no size check): its index.
     *
     * @throws InvalidFreeException for another class (WRONG_SIZE), an address inside a live item (INTERIOR), a chunk
     *     not in use (UNKNOWN), the start of an item not live (DOUBLE), an address inside one (UNKNOWN)
     */
    int requireLive(int s, int b, int k, long offset, long size, String op) {
        ChunkTable t = space.table(s, b);
        if (t.state(k) != ChunkTable.ITEMS) {
            throw new InvalidFreeException(design, op, Reason.UNKNOWN, "chunk " + k + " of block " + b
                    + " holds no items now");
        }
        int c = t.u8(k, ChunkTable.CLASS);
        long itemSize = classes.size(c);
        long within = offset - chunkOffset(s, b, k);
        int i = (int) (within / itemSize);
        boolean start = within % itemSize == 0;
        if (!elements(t, k, capacity(classes, c)).get(i)) {
            // a free item: a stale address, perhaps of a class that had the chunk before; inside it, no block is
            throw new InvalidFreeException(design, op, start ? Reason.DOUBLE : Reason.UNKNOWN, (start ? "" : "inside ")
                    + "item " + i + " of " + itemSize + " bytes of chunk " + k + " of block " + b
                    + ", which is not live");
        }
        if (!start) {
            throw new InvalidFreeException(design, op, Reason.INTERIOR, "inside item " + i + " of " + itemSize
                    + " bytes of chunk " + k);
        }
        if (size > 0 && classes.classOf(size) != c) {
            throw new InvalidFreeException(design, op, Reason.WRONG_SIZE, "size " + size + " is not of class "
                    + itemSize + " B, the items of chunk " + k + " of block " + b);
        }
        return i;
    }

    /** Frees live item {@code i} of chunk {@code k} (checked by {@link #requireLive}). */
    void free(int s, int b, int k, int i) {
        ChunkTable t = space.table(s, b);
        int c = t.u8(k, ChunkTable.CLASS);
        int cap = capacity(classes, c);
        Binmap items = elements(t, k, cap);
        items.clear(i);
        int count = t.u16(k, ChunkTable.COUNT);
        IndexList active = t.active();
        boolean blockHadRoom = !active.isEmpty() || space.blocks.u16(s, b, BlockRecords.COUNT) < 256;
        if (count == cap) {
            active.pushFront(k);
        }
        if (!blockHadRoom) {
            space.itemBlocks(s, c).pushFront(b);
        }
        count--;
        t.setU16(k, ChunkTable.COUNT, count);
        t.setU16(k, ChunkTable.FREE_INDEX, Math.min(t.u16(k, ChunkTable.FREE_INDEX), i));
        if (count == 0) {
            emptied(s, b, k, c, t);
        }
    }

    private void emptied(int s, int b, int k, int c, ChunkTable t) {
        IndexList active = t.active();
        if (space.spare(c) == ChunksSpace.NO_SPARE) {
            space.setSpare(c, chunkId(s, b, k));
            active.remove(k);
            active.pushBack(k); // the partly used chunks come first
            return;
        }
        active.remove(k);
        space.metaFree(t.binmap(k));
        t.clear(k);
        space.decommit(chunkOffset(s, b, k), ChunkClasses.CHUNK);
        Binmap chunks = t.chunks();
        chunks.clear(k);
        int count = space.blocks.u16(s, b, BlockRecords.COUNT) - 1;
        space.blocks.setU16(s, b, BlockRecords.COUNT, count);
        space.blocks.setU16(s, b, BlockRecords.FREE_INDEX, Math.min(space.blocks.u16(s, b,
                BlockRecords.FREE_INDEX), k));
        if (count == 0) {
            space.itemBlocks(s, c).remove(b);
            containers.releaseBlock(new Containers.BlockId(s, b));
        }
    }

    /** The id of a chunk, as {@link ChunksSpace#spare} holds it. */
    static long chunkId(int s, int b, int k) {
        return (long) s << 24 | (long) b << 8 | k;
    }

    long chunkOffset(int s, int b, int k) {
        return ((long) s << space.config.segmentShift()) + ((long) b << 20) + ((long) k << 12);
    }
}
