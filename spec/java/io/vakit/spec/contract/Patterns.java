package io.vakit.spec.contract;

import io.vakit.spi.BlockMemory;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

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

    private Patterns() {}

    /** A range {@code [from, to)} of a block. */
    @FunctionalInterface
    interface RangeVisitor {
        /** Visits one range; returns a non-negative offset to stop there, or -1 to go on. */
        long visit(long from, long to);
    }

    /** The pattern byte at {@code offset} of the block labelled {@code label}. Never zero. */
    public static byte at(int label, long offset) {
        return BlockMemory.pattern(label, offset);
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

    /** The spans of the block at {@code address} that hold the pattern of {@code label}, written over {@code [0, written)}, cut at {@code limit}. */
    static List<BlockMemory.Span> spans(long address, int label, long written, long limit) {
        List<BlockMemory.Span> spans = new ArrayList<>(4);
        windows(written, limit, (from, to) -> {
            spans.add(new BlockMemory.Span(address, label, from, to));
            return -1;
        });
        return spans;
    }

    /** Writes the pattern of {@code label} into the windows of {@code [0, written)} of {@code block}, in this process. */
    public static void fill(MemorySegment block, int label, long written) {
        fill(BlockMemory.LOCAL, block, label, written);
    }

    /** Writes the pattern of {@code label} into the windows of {@code [0, written)} of {@code block}, wherever it is. */
    public static void fill(BlockMemory memory, MemorySegment block, int label, long written) {
        List<BlockMemory.Span> spans = spans(block.address(), label, written, written);
        if (!spans.isEmpty()) {
            memory.fill(spans);
        }
    }

    /**
     * The first offset below {@code limit} of the windows of {@code [0, written)} where {@code block} differs from
     * the pattern, or -1.
     */
    public static long firstMismatch(BlockMemory memory, MemorySegment block, int label, long written, long limit) {
        List<BlockMemory.Span> spans = spans(block.address(), label, written, limit);
        return spans.isEmpty() ? -1 : first(memory.firstMismatches(spans));
    }

    /** The first offset of the windows of {@code [0, length)} where {@code block}, in this process, differs, or -1. */
    public static long firstMismatch(MemorySegment block, int label, long length) {
        return firstMismatch(BlockMemory.LOCAL, block, label, length, length);
    }

    /** The first non-negative entry, or -1. */
    static long first(long[] mismatches) {
        for (long m : mismatches) {
            if (m >= 0) {
                return m;
            }
        }
        return -1;
    }

    /** The first offset of the windows of {@code [0, length)} that is not zero, or -1. */
    public static long firstNonZero(BlockMemory memory, MemorySegment block, long length) {
        return windows(length, length, (from, to) -> memory.firstNonZero(block, from, to));
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
