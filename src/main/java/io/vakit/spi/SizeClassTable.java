package io.vakit.spi;

/**
 * A design's size classes: class {@code c} serves requests up to {@link #size(int) size(c)} bytes.
 * Class sizes strictly increase; {@link #classOf} returns the smallest class that fits.
 */
public interface SizeClassTable {
    /** The number of classes. */
    int count();

    /** The block size of class {@code c}, for {@code 0 <= c < count()}. */
    long size(int c);

    /** The smallest class whose size is at least {@code size}, or -1 when {@code size} is above the table. */
    int classOf(long size);
}
