package io.vakit.design.sized;

import io.vakit.design.PowerOfTwoClasses;

/**
 * Seed 003's size classes: the powers of two from 1 B to 8192 B (14 classes). Anything larger gets its own
 * mapping, so {@link #classOf} is -1 above 8192. Each class's block layout is a {@link SizedLayout}.
 */
public final class SizedClasses extends PowerOfTwoClasses {
    /** The largest class. */
    public static final long MAX_CLASS = 8192;
    /** The number of classes. */
    public static final int COUNT = 14;

    /** The table. */
    public SizedClasses() {
        super(0, COUNT);
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
