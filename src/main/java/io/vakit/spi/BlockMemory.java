package io.vakit.spi;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Where the kit reads and writes a block's bytes. Every allocator whose blocks live in this process uses {@link
 * #LOCAL}; one whose blocks live in another process (a native library in a forked child) reads and writes them there,
 * where its blocks are. The kit writes a pattern, {@link #pattern(int, long)}, that depends on a block's label and the
 * offset only, and later asks where the bytes first differ from it; batches of spans keep a remote process to one
 * round trip per batch.
 */
public interface BlockMemory {
    /** The blocks are this process's memory. */
    BlockMemory LOCAL = new LocalBlockMemory();

    /**
     * The bytes {@code [from, to)} of the block at {@code address}, labelled {@code label}: where a pattern is written or
     * checked.
     *
     * @param address the block's address
     * @param label the label the pattern depends on
     * @param from the first offset
     * @param to the offset past the last
     */
    record Span(long address, int label, long from, long to) {}

    /**
     * The pattern byte at {@code offset} of a block labelled {@code label}; never zero. It is a rotation of a
     * 512-byte table: {@code (label * 0x9E37 + offset * 31 + (offset >>> 9)) & 0xFF}, with 0 read as {@code 0xA5}.
     */
    static byte pattern(int label, long offset) {
        int v = (int) ((label * 0x9E37L + offset * 31 + (offset >>> 9)) & 0xFF);
        return (byte) (v == 0 ? 0xA5 : v);
    }

    /** Writes the pattern of each span's label into its bytes. */
    void fill(List<Span> spans);

    /** For each span, the first offset in it whose byte differs from the pattern, or -1; in the spans' order. */
    long[] firstMismatches(List<Span> spans);

    /** The first offset in {@code [from, to)} of {@code block} whose byte is not zero, or -1. */
    long firstNonZero(MemorySegment block, long from, long to);

    /** Sets every byte of {@code block} to zero. */
    void zero(MemorySegment block);

    /**
     * {@value #FOREIGN_BYTES} bytes, aligned to 4096, of the blocks' process that no allocator handed out: what a
     * foreign free passes. Memory of this process would not do for blocks of another: the same address may be a
     * block there.
     */
    MemorySegment foreign();

    /** The size of {@link #foreign()}. */
    long FOREIGN_BYTES = 8192;

    /**
     * Waits until every write and call sent so far has run: memory in another process may run them later, in order,
     * in one batch with the next request that answers. The kit syncs after each action, so that a process that dies
     * in one is judged in that action. Nothing to wait for in this process.
     */
    default void sync() {}

    /** Copies the first {@code bytes} bytes of {@code from} into {@code to} (C's {@code memmove}). */
    void copy(MemorySegment from, MemorySegment to, long bytes);
}
