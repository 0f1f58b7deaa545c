package io.vakit.design.sized;

import io.vakit.spi.SizeClassTable;

/**
 * Seed 003's size classes: the powers of two from 1 B to 8192 B (14 classes). Anything larger gets its own
 * mapping, so {@link #classOf} is -1 above 8192. Each class's block layout is a {@link SizedLayout}.
 */
public final class SizedClasses implements SizeClassTable {
    /** The largest class. */
    public static final long MAX_CLASS = 8192;
    /** The number of classes. */
    public static final int COUNT = 14;

    @Override
    public int count() {
        return COUNT;
    }

    @Override
    public long size(int c) {
        return 1L << c;
    }

    @Override
    public int classOf(long size) {
        if (size <= 1) {
            return 0;
        }
        int c = 64 - Long.numberOfLeadingZeros(size - 1);
        return c < COUNT ? c : -1;
    }

    /**
     * The alignment the seed guarantees: the next power of two of the size, up to 4096 (the page size); a larger
     * request gets its own page-aligned mapping.
     */
    public static long alignmentFor(long size) {
        if (size <= 1) {
            return 1;
        }
        return Math.min(4096, Long.highestOneBit(size - 1) << 1);
    }
}
