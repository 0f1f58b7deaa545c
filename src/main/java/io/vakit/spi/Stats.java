package io.vakit.spi;

/**
 * An allocator's counters at one moment.
 *
 * @param reservedBytes address space reserved from the OS (0 unless {@link Feature#FOOTPRINT})
 * @param committedBytes memory committed, for blocks and metadata (0 unless {@link Feature#FOOTPRINT})
 * @param liveBytes the sum of the requested sizes of the live blocks
 * @param liveCount the number of live blocks
 */
public record Stats(long reservedBytes, long committedBytes, long liveBytes, long liveCount) {}
