package io.vakit.ds;

import io.vakit.pal.VirtualMemory;
import java.util.Optional;

/**
 * Free ranges ordered by (length, start), off heap: the seed 002 radix tree keyed by size. {@link #bestFit} is the
 * smallest range at least as long as asked, the lowest address among equal lengths, in O(log n) ({@link OrderedIndex}
 * underneath). Not thread-safe: its owner's lock guards it.
 */
public final class BestFitIndex implements AutoCloseable {
    private final OrderedIndex index;

    /** An empty index for at most {@code maxRanges} ranges at once. */
    public BestFitIndex(VirtualMemory vm, long maxRanges) {
        this.index = new OrderedIndex(vm, maxRanges);
    }

    /**
     * Adds a free range.
     *
     * @throws IllegalStateException when it is there already, or the index is full
     */
    public void add(Range r) {
        index.insert(r.length(), r.start(), 0);
    }

    /** Removes a free range; returns whether it was there. */
    public boolean remove(Range r) {
        return index.remove(r.length(), r.start());
    }

    /** The smallest range of at least {@code length} bytes (the lowest start among equals), or empty. */
    public Optional<Range> bestFit(long length) {
        return index.ceiling(length, Long.MIN_VALUE).map(e -> new Range(e.tie(), e.key()));
    }

    /** The range after {@code r} in the index's order (a longer one, or as long at a higher start), or empty. */
    public Optional<Range> after(Range r) {
        return index.ceiling(r.length(), r.start() + 1).map(e -> new Range(e.tie(), e.key()));
    }

    /** The number of ranges. */
    public long size() {
        return index.size();
    }

    /** Commits ahead for {@code n} more ranges; a commit that fails changes nothing ({@link OrderedIndex#ensureSpare}). */
    public void ensureSpare(int n) {
        index.ensureSpare(n);
    }

    /** Decommits what was committed ahead since the committed bytes were {@code mark} ({@link OrderedIndex#rollback}). */
    public void rollback(long mark) {
        index.rollback(mark);
    }

    /** The bytes of its pool committed so far (kept once grown). */
    public long committedBytes() {
        return index.committedBytes();
    }

    /** The bytes reserved for its pool. */
    public long reservedBytes() {
        return index.reservedBytes();
    }

    /** Its pool's first address. */
    public long base() {
        return index.base();
    }

    /** Checks the structure underneath. */
    public void verify() {
        index.verify();
    }

    @Override
    public void close() {
        index.close();
    }
}
