package io.vakit.ds;

import io.vakit.pal.VirtualMemory;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Disjoint ranges ordered by address, off heap: the seed 002 address-ordered list, with its neighbour queries in
 * O(log n) ({@link OrderedIndex} underneath) where the seed scans in O(n). Coalescing asks it for the range that ends
 * where a freed block starts ({@link #endingAt}) and the one that starts where it ends ({@link #startingAt}). Not
 * thread-safe: its owner's lock guards it.
 */
public final class RangeMap implements AutoCloseable {
    private final OrderedIndex index;

    /** An empty map for at most {@code maxRanges} ranges at once. */
    public RangeMap(VirtualMemory vm, long maxRanges) {
        this.index = new OrderedIndex(vm, maxRanges);
    }

    /**
     * Adds a range. The caller keeps them disjoint.
     *
     * @throws IllegalStateException when a range starts there already, or the map is full
     */
    public void add(Range r) {
        index.insert(r.start(), 0, r.length());
    }

    /** Removes the range starting at {@code start}; returns it, or empty when none starts there. */
    public Optional<Range> remove(long start) {
        Optional<Range> r = startingAt(start);
        r.ifPresent(x -> index.remove(start, 0));
        return r;
    }

    /** The range starting at {@code address}, or empty. */
    public Optional<Range> startingAt(long address) {
        return index.get(address, 0).map(e -> new Range(e.key(), e.value()));
    }

    /** The range ending at {@code address} (its last byte at {@code address - 1}), or empty. */
    public Optional<Range> endingAt(long address) {
        return containing(address - 1).filter(r -> r.end() == address);
    }

    /** The range holding {@code address}, or empty. */
    public Optional<Range> containing(long address) {
        return index.floor(address, Long.MAX_VALUE).map(e -> new Range(e.key(), e.value()))
                .filter(r -> address < r.end());
    }

    /** Every range, in address order. */
    public void forEach(Consumer<Range> action) {
        index.forEach(e -> action.accept(new Range(e.key(), e.value())));
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
