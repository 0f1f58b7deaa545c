package io.vakit.spi;

/**
 * A range of address space, {@code [start, start + bytes)}.
 *
 * @param start the first address
 * @param bytes the length
 */
public record AddressRange(long start, long bytes) {
    /** Validates the range. */
    public AddressRange {
        if (bytes < 0 || start < 0 || start + bytes < start) {
            throw new IllegalArgumentException("AddressRange(0x" + Long.toHexString(start) + ", " + bytes + ")");
        }
    }

    /** The first address past the range. */
    public long end() {
        return start + bytes;
    }
}
