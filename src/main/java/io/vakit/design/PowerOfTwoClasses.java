package io.vakit.design;

import io.vakit.spi.SizeClassTable;

/**
 * Size classes that are consecutive powers of two, {@code 2^minShift} up to {@code 2^(minShift + count - 1)}:
 * the tables of seeds 000, 001 and 003. {@link #classOf} is a count-leading-zeros; -1 above the last class.
 */
public abstract class PowerOfTwoClasses implements SizeClassTable {
    private final int minShift;
    private final int count;

    /** Classes {@code 2^minShift .. 2^(minShift + count - 1)}. */
    protected PowerOfTwoClasses(int minShift, int count) {
        this.minShift = minShift;
        this.count = count;
    }

    @Override
    public final int count() {
        return count;
    }

    @Override
    public final long size(int c) {
        return 1L << (minShift + c);
    }

    @Override
    public final int classOf(long size) {
        if (size <= 1L << minShift) {
            return 0;
        }
        int c = 64 - Long.numberOfLeadingZeros(size - 1) - minShift;
        return c < count ? c : -1;
    }
}
