package io.vakit.spi;

/**
 * What {@link Allocator#owner} knows of a live block.
 *
 * @param start the block's first address
 * @param usableSize the bytes the caller may use, at least the requested size
 * @param sizeClass the block's class in the design's {@link SizeClassTable}, or -1 when it has none
 */
public record BlockInfo(long start, long usableSize, int sizeClass) {}
