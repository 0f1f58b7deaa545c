package io.vakit.ds;

/** A range of addresses {@code [start, start + length)}. */
public record Range(long start, long length) {
    /** The first address past the range. */
    public long end() {
        return start + length;
    }
}
