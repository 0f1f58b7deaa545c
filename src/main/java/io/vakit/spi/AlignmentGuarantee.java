package io.vakit.spi;

/** The alignment a design guarantees for a request of a given size made with no explicit alignment. */
@FunctionalInterface
public interface AlignmentGuarantee {
    /** The power of two every block of {@code size} bytes is aligned to. */
    long alignmentFor(long size);

    /** The same alignment for every size. */
    static AlignmentGuarantee fixed(long alignment) {
        if (Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("fixed(" + alignment + "): alignment must be a power of two");
        }
        return size -> alignment;
    }
}
