package io.vakit.spi;

/** The alignment a design guarantees for a request of a given size made with no explicit alignment. */
@FunctionalInterface
public interface AlignmentGuarantee {
    /** The power of two every block of {@code size} bytes is aligned to. */
    long alignmentFor(long size);

    /**
     * {@code max} for requests larger than {@code max / 2}, else the next power of two of the size, but at least
     * {@code min}: the "fundamental alignment of what fits" most native mallocs give (8 for 1..8 bytes, 16 above).
     */
    static AlignmentGuarantee sizeRelative(long min, long max) {
        return size -> size <= min ? min : Math.min(max, Long.highestOneBit(size - 1) << 1);
    }

    /** The same alignment for every size. */
    static AlignmentGuarantee fixed(long alignment) {
        if (Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("fixed(" + alignment + "): alignment must be a power of two");
        }
        return size -> alignment;
    }
}
