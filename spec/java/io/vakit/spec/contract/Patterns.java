package io.vakit.spec.contract;

import java.lang.foreign.MemorySegment;

/**
 * The byte pattern the contract writes into a block: a function of the block's label and the offset, so it
 * survives a move by realloc and tells two blocks' bytes apart.
 *
 * <p>A block of up to {@value #FULL} bytes is written whole. A larger one is written in windows, so that a block of a
 * gigabyte costs what one of a few hundred kilobytes does: its first {@value #FULL} bytes, {@value #WINDOW} bytes at
 * every power of two past that, and its last {@value #WINDOW} bytes. The windows depend only on the length written,
 * so a prefix kept by realloc is checked on the windows that were written.
 */
public final class Patterns {
    /** Blocks up to this size are written whole. */
    public static final long FULL = 64 * 1024;
    /** The size of each window of a larger block. */
    public static final long WINDOW = 4096;

    private static final int SPAN = 512;
    private static final MemorySegment[] ROTATIONS = new MemorySegment[256];
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[SPAN]);

    static {
        for (int k = 0; k < 256; k++) {
            byte[] b = new byte[SPAN];
            for (int j = 0; j < SPAN; j++) {
                int v = (k + 31 * j) & 0xFF;
                b[j] = (byte) (v == 0 ? 0xA5 : v);
            }
            ROTATIONS[k] = MemorySegment.ofArray(b);
        }
    }

    private Patterns() {}

    /** A range {@code [from, to)} of a block. */
    @FunctionalInterface
    interface RangeVisitor {
        /** Visits one range; returns a non-negative offset to stop there, or -1 to go on. */
        long visit(long from, long to);
    }

    /** The pattern byte at {@code offset} of the block labelled {@code label}. Never zero. */
    public static byte at(int label, long offset) {
        int v = (int) ((label * 0x9E37L + offset * 31 + (offset >>> 9)) & 0xFF);
        return (byte) (v == 0 ? 0xA5 : v);
    }

    /** The bytes of a block of {@code written} bytes that hold the pattern: {@code [0, written)} or its windows. */
    public static long touched(long written) {
        long[] n = {0};
        windows(written, written, (from, to) -> {
            n[0] += to - from;
            return -1;
        });
        return n[0];
    }

    /** Writes the pattern of {@code label} into the windows of {@code [0, written)} of {@code block}. */
    public static void fill(MemorySegment block, int label, long written) {
        windows(written, written, (from, to) -> {
            for (long at = from; at < to; ) {
                long end = Math.min(to, (at | (SPAN - 1)) + 1);
                MemorySegment.copy(rotation(label, at), at & (SPAN - 1), block, at, end - at);
                at = end;
            }
            return -1;
        });
    }

    /**
     * The first offset below {@code limit} of the windows of {@code [0, written)} where {@code block} differs from
     * the pattern, or -1.
     */
    public static long firstMismatch(MemorySegment block, int label, long written, long limit) {
        return windows(written, limit, (from, to) -> {
            for (long at = from; at < to; ) {
                long end = Math.min(to, (at | (SPAN - 1)) + 1);
                long off = at & (SPAN - 1);
                long m = block.asSlice(at, end - at).mismatch(rotation(label, at).asSlice(off, end - at));
                if (m >= 0) {
                    return at + m;
                }
                at = end;
            }
            return -1;
        });
    }

    /** The first offset of the windows of {@code [0, length)} where {@code block} differs from the pattern, or -1. */
    public static long firstMismatch(MemorySegment block, int label, long length) {
        return firstMismatch(block, label, length, length);
    }

    /** The first offset of the windows of {@code [0, length)} that is not zero, or -1. */
    public static long firstNonZero(MemorySegment block, long length) {
        return windows(length, length, (from, to) -> {
            for (long at = from; at < to; at += SPAN) {
                long n = Math.min(SPAN, to - at);
                long m = block.asSlice(at, n).mismatch(ZEROS.asSlice(0, n));
                if (m >= 0) {
                    return at + m;
                }
            }
            return -1;
        });
    }

    private static MemorySegment rotation(int label, long offset) {
        return ROTATIONS[(int) ((label * 0x9E37L + (offset >>> 9)) & 0xFF)];
    }

    /** Visits the windows of a block written over {@code [0, written)}, cut at {@code limit}; stops at a result. */
    static long windows(long written, long limit, RangeVisitor visitor) {
        long end = Math.min(written, limit);
        if (end <= 0) {
            return -1;
        }
        long r = visitor.visit(0, Math.min(end, FULL));
        if (r >= 0 || written <= FULL) {
            return r;
        }
        for (long p = FULL; p < written && p < end; p <<= 1) {
            r = visitor.visit(p, Math.min(Math.min(p + WINDOW, written), end));
            if (r >= 0) {
                return r;
            }
        }
        long tail = Math.max(FULL, written - WINDOW);
        return tail < end ? visitor.visit(tail, end) : -1;
    }
}
