package io.vakit.design.chunks;

import io.vakit.design.PowerOfTwoClasses;

/**
 * Seed 000's size classes: powers of two from 16 B to 256 MiB, each with the region type its chunks come from.
 * Classes up to 4 KiB share one 4 KiB chunk (256 items of 16 B down to 1 of 4 KiB); up to 1 MiB a block of 1 MiB is
 * cut into runs of chunks; up to 256 MiB a region of 256 MiB is cut into runs of blocks.
 */
public final class ChunkClasses extends PowerOfTwoClasses {
    /** The chunk size. */
    public static final long CHUNK = 4096;
    /** The block size: 256 chunks. */
    public static final long BLOCK = 256 * CHUNK;
    /** The region size: 256 blocks. */
    public static final long REGION = 256 * BLOCK;
    /** The segment size: 256 regions. */
    public static final long SEGMENT = 256 * REGION;
    /** The number of classes: 16 B (2^4) to 256 MiB (2^28). */
    public static final int COUNT = 25;
    /** The item classes, 16 B to 4 KiB: classes {@code 0 .. 8}. */
    public static final int ITEM_CLASSES = 9;
    /** The chunk-run classes, 8 KiB to 1 MiB: classes {@code 9 .. 16}; above, block runs. */
    public static final int LAST_CHUNK_RUN = 16;

    /** The table. */
    public ChunkClasses() {
        super(4, COUNT);
    }

    /** Where a class's memory comes from: the seed's size to region-type array. */
    public enum RegionType {
        /** Items inside one 4 KiB chunk. */
        CHUNK,
        /** A run of chunks inside a 1 MiB block. */
        CHUNK_RUN,
        /** A run of blocks inside a 256 MiB region. */
        BLOCK_RUN
    }

    private static final RegionType[] REGION_TYPE = new RegionType[COUNT];

    static {
        for (int c = 0; c < COUNT; c++) {
            long size = 16L << c;
            REGION_TYPE[c] = size <= CHUNK ? RegionType.CHUNK : size <= BLOCK ? RegionType.CHUNK_RUN
                    : RegionType.BLOCK_RUN;
        }
    }

    /**
     * The alignment a block gets: an item's class size (up to 4 KiB), a chunk for a run of chunks, a block for a run
     * of blocks (and for a mapping within the table); a page for a mapping beyond the table.
     */
    public long alignmentFor(long size) {
        int c = classOf(size);
        return c < 0 ? CHUNK : size(c) <= CHUNK ? size(c) : size(c) <= BLOCK ? CHUNK : BLOCK;
    }

    /** The region type of class {@code c}. */
    public RegionType regionType(int c) {
        return REGION_TYPE[c];
    }

    /** Items of class {@code c} in one chunk (classes up to 4 KiB), else 1. */
    public long itemsPerChunk(int c) {
        return Math.max(1, CHUNK / size(c));
    }
}
