package io.vakit.design.chunks;

import io.vakit.ds.Binmap;
import io.vakit.ds.IndexList;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;

/**
 * Runs of chunks (8 KiB to 1 MiB): blocks of CHUNK_RUNS regions are cut into runs of {@code n} chunks at the lowest
 * start where the block's chunk binmap has {@code n} free bits; the first block with room of the first segment that has one, else a new block. A run is committed when
 * taken and decommitted when freed; a block with a free chunk is on its segment's u16 list; an emptied block goes
 * back to its region. Not thread-safe: the allocator's lock guards it.
 */
final class ChunkRuns {
    private final ChunksSpace space;
    private final Containers containers;
    private final ChunkClasses classes;
    private final String design;

    ChunkRuns(ChunksSpace space, Containers containers, ChunkClasses classes) {
        this.space = space;
        this.containers = containers;
        this.classes = classes;
        this.design = space.design;
    }

    /** A run of {@code n} chunks of class {@code c}: its offset in the main reservation. */
    long allocate(int n, int c, String op) {
        for (int s = 0; s < space.config.segments(); s++) {
            IndexList list = space.runBlocks(s);
            for (long b = list.first(); b != IndexList.NONE; b = list.next(b)) {
                ChunkTable t = space.table(s, (int) b);
                long k = t.chunks().findRun(n, 1);
                if (k >= 0) {
                    return claim(s, (int) b, t, (int) k, n, c, op);
                }
            }
        }
        Containers.BlockId id = containers.takeBlock(BlockRecords.CHUNK_RUNS, 0xFF, op);
        space.runBlocks(id.segment()).pushFront(id.block());
        try {
            return claim(id.segment(), id.block(), space.table(id.segment(), id.block()), 0, n, c, op);
        } catch (RuntimeException e) {
            space.runBlocks(id.segment()).remove(id.block());
            containers.releaseBlock(id);
            throw e;
        }
    }

    private long claim(int s, int b, ChunkTable t, int k, int n, int c, String op) {
        long offset = offset(s, b, k);
        space.commit(offset, (long) n * ChunkClasses.CHUNK, op);
        Binmap chunks = t.chunks();
        chunks.setRange(k, n);
        t.clear(k);
        t.setU8(k, ChunkTable.STATE, ChunkTable.RUN_HEAD);
        t.setU8(k, ChunkTable.CLASS, c);
        t.setU16(k, ChunkTable.COUNT, n);
        for (int j = k + 1; j < k + n; j++) {
            t.clear(j);
            t.setU8(j, ChunkTable.STATE, ChunkTable.RUN_BODY);
            t.setU16(j, ChunkTable.COUNT, k);
        }
        int count = space.blocks.u16(s, b, BlockRecords.COUNT) + n;
        space.blocks.setU16(s, b, BlockRecords.COUNT, count);
        long free = chunks.findFree();
        space.blocks.setU16(s, b, BlockRecords.FREE_INDEX, free < 0 ? 256 : (int) free);
        if (count == 256) {
            space.runBlocks(s).remove(b);
        }
        return offset;
    }

    /** The head chunk of the run holding chunk {@code k}, or -1 when the chunk is free. */
    int headOf(ChunkTable t, int k) {
        return switch (t.state(k)) {
            case ChunkTable.RUN_HEAD -> k;
            case ChunkTable.RUN_BODY -> t.u16(k, ChunkTable.COUNT);
            default -> -1;
        };
    }

    /**
     * Checks a free of {@code size} bytes ({@code size <= 0}: none) at {@code offset}, in chunk {@code k} of block
     * {@code b}: the address must start a live run of the size's class.
     */
    void requireLive(int s, int b, int k, long offset, long size, String op) {
        ChunkTable t = space.table(s, b);
        int head = headOf(t, k);
        if (head < 0) {
            throw new InvalidFreeException(design, op, Reason.UNKNOWN, "chunk " + k + " of block " + b
                    + " is in no run");
        }
        if (head != k || offset != offset(s, b, k)) {
            throw new InvalidFreeException(design, op, Reason.INTERIOR, "inside the run of "
                    + t.u16(head, ChunkTable.COUNT) + " chunks at chunk " + head + " of block " + b);
        }
        int c = t.u8(k, ChunkTable.CLASS);
        if (size > 0 && classes.classOf(size) != c) {
            throw new InvalidFreeException(design, op, Reason.WRONG_SIZE, "size " + size + " is not of class "
                    + classes.size(c) + " B, the run of " + t.u16(k, ChunkTable.COUNT) + " chunks at chunk " + k
                    + " of block " + b);
        }
    }

    /** Frees the live run at chunk {@code k} (checked by {@link #requireLive}). */
    void free(int s, int b, int k) {
        ChunkTable t = space.table(s, b);
        int n = t.u16(k, ChunkTable.COUNT);
        space.decommit(offset(s, b, k), (long) n * ChunkClasses.CHUNK);
        for (int j = k; j < k + n; j++) {
            t.clear(j);
        }
        t.chunks().clearRange(k, n);
        int count = space.blocks.u16(s, b, BlockRecords.COUNT);
        if (count == 256) {
            space.runBlocks(s).pushFront(b);
        }
        count -= n;
        space.blocks.setU16(s, b, BlockRecords.COUNT, count);
        space.blocks.setU16(s, b, BlockRecords.FREE_INDEX, Math.min(space.blocks.u16(s, b,
                BlockRecords.FREE_INDEX), k));
        if (count == 0) {
            space.runBlocks(s).remove(b);
            containers.releaseBlock(new Containers.BlockId(s, b));
        }
    }

    long offset(int s, int b, int k) {
        return ((long) s << space.config.segmentShift()) + ((long) b << 20) + ((long) k << 12);
    }
}
