package io.vakit.spec.contract;

import java.lang.foreign.MemorySegment;

/**
 * The byte pattern the contract writes into a block: a function of the block's label and the offset, so it
 * survives a move by realloc and tells two blocks' bytes apart.
 */
public final class Patterns {
    private static final int CHUNK = 4096;

    private Patterns() {}

    /** The pattern byte at {@code offset} of the block labelled {@code label}. Never zero. */
    public static byte at(int label, long offset) {
        int v = (int) ((label * 0x9E37L + offset * 31 + (offset >>> 9)) & 0xFF);
        return (byte) (v == 0 ? 0xA5 : v);
    }

    /** Writes the pattern of {@code label} into {@code [0, length)} of {@code block}. */
    public static void fill(MemorySegment block, int label, long length) {
        byte[] buf = new byte[(int) Math.min(CHUNK, length)];
        for (long done = 0; done < length; done += buf.length) {
            int n = (int) Math.min(buf.length, length - done);
            for (int i = 0; i < n; i++) {
                buf[i] = at(label, done + i);
            }
            MemorySegment.copy(buf, 0, block, java.lang.foreign.ValueLayout.JAVA_BYTE, done, n);
        }
    }

    /** The first offset in {@code [0, length)} where {@code block} differs from the pattern, or -1. */
    public static long firstMismatch(MemorySegment block, int label, long length) {
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, length))];
        for (long done = 0; done < length; done += buf.length) {
            int n = (int) Math.min(buf.length, length - done);
            MemorySegment.copy(block, java.lang.foreign.ValueLayout.JAVA_BYTE, done, buf, 0, n);
            for (int i = 0; i < n; i++) {
                if (buf[i] != at(label, done + i)) {
                    return done + i;
                }
            }
        }
        return -1;
    }

    /** The first offset in {@code [0, length)} that is not zero, or -1. */
    public static long firstNonZero(MemorySegment block, long length) {
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, length))];
        for (long done = 0; done < length; done += buf.length) {
            int n = (int) Math.min(buf.length, length - done);
            MemorySegment.copy(block, java.lang.foreign.ValueLayout.JAVA_BYTE, done, buf, 0, n);
            for (int i = 0; i < n; i++) {
                if (buf[i] != 0) {
                    return done + i;
                }
            }
        }
        return -1;
    }
}
