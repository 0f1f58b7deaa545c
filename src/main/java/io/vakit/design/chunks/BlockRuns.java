package io.vakit.design.chunks;

import io.vakit.ds.IndexList;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;

/**
 * Runs of blocks (2 MiB up to a region): BLOCK_RUNS regions are cut into runs of {@code n} blocks at the lowest
 * start where the region's block binmap has {@code n} free bits; the first region with room of the first segment that has one, else a new region. A run is committed when
 * taken and decommitted when freed; its head block's record holds its length and class, its other blocks the
 * head's index. Not thread-safe: the allocator's lock guards it.
 */
final class BlockRuns {
    private final ChunksSpace space;
    private final Containers containers;
    private final ChunkClasses classes;
    private final String design;

    BlockRuns(ChunksSpace space, Containers containers, ChunkClasses classes) {
        this.space = space;
        this.containers = containers;
        this.classes = classes;
        this.design = space.design;
    }

    /** A run of {@code n} blocks of class {@code c}: its offset in the main reservation. */
    long allocate(int n, int c, String op) {
        for (int s = 0; s < space.config.segments(); s++) {
            IndexList list = space.regionList(s, RegionRecords.BLOCK_RUNS);
            for (long r = list.first(); r != IndexList.NONE; r = list.next(r)) {
                long k = space.blockBinmap(s, (int) r).findRun(n, 1);
                if (k >= 0) {
                    return claim(new Containers.RegionId(s, (int) r), (int) k, n, c, op);
                }
            }
        }
        Containers.RegionId id = containers.takeRegion(RegionRecords.BLOCK_RUNS, op);
        try {
            return claim(id, 0, n, c, op);
        } catch (RuntimeException e) {
            containers.releaseBlocks(id, 0, 0); // an empty region goes back
            throw e;
        }
    }

    private long claim(Containers.RegionId id, int k, int n, int c, String op) {
        int s = id.segment();
        int first = id.region() * space.config.blocksPerRegion() + k;
        long offset = offset(s, first);
        space.commit(offset, (long) n << 20, op);
        containers.claimBlocks(id, k, n);
        space.blocks.clear(s, first);
        space.blocks.setU8(s, first, BlockRecords.STATE, BlockRecords.RUN_HEAD);
        space.blocks.setU8(s, first, BlockRecords.CLASS, c);
        space.blocks.setWord(s, first, n);
        for (int j = first + 1; j < first + n; j++) {
            space.blocks.clear(s, j);
            space.blocks.setU8(s, j, BlockRecords.STATE, BlockRecords.RUN_BODY);
            space.blocks.setWord(s, j, k);
        }
        return offset;
    }

    /** The segment block number of the head of the run holding block {@code b}, or -1. */
    int headOf(int s, int b) {
        return switch (space.blocks.state(s, b)) {
            case BlockRecords.RUN_HEAD -> b;
            case BlockRecords.RUN_BODY -> b / space.config.blocksPerRegion() * space.config.blocksPerRegion()
                    + space.blocks.word(s, b);
            default -> -1;
        };
    }

    /** Checks a free of {@code size} bytes ({@code size <= 0}: none) at {@code offset}, in block {@code b}. */
    void requireLive(int s, int b, long offset, long size, String op) {
        int head = headOf(s, b);
        if (head < 0) {
            throw new InvalidFreeException(design, op, Reason.UNKNOWN, "block " + b + " is in no run");
        }
        if (head != b || offset != offset(s, b)) {
            throw new InvalidFreeException(design, op, Reason.INTERIOR, "inside the run of " + space.blocks.word(s,
                    head) + " blocks at block " + head);
        }
        int c = space.blocks.u8(s, b, BlockRecords.CLASS);
        if (size > 0 && classes.classOf(size) != c) {
            throw new InvalidFreeException(design, op, Reason.WRONG_SIZE, "size " + size + " is not of class "
                    + classes.size(c) + " B, the run of " + space.blocks.word(s, b) + " blocks at block " + b);
        }
    }

    /** Frees the live run whose head is block {@code b}. */
    void free(int s, int b) {
        int n = space.blocks.word(s, b);
        space.decommit(offset(s, b), (long) n << 20);
        for (int j = b; j < b + n; j++) {
            space.blocks.clear(s, j);
        }
        int bpr = space.config.blocksPerRegion();
        containers.releaseBlocks(new Containers.RegionId(s, b / bpr), b % bpr, n);
    }

    long offset(int s, int b) {
        return ((long) s << space.config.segmentShift()) + ((long) b << 20);
    }
}
