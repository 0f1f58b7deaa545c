package io.vakit.ds;

import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An ordered index over off-heap memory: entries {@code (key, tie) -> value}, ordered by {@code key} then
 * {@code tie} (signed), each pair at most once. It answers the neighbour queries an address-ordered range map and a
 * size-ordered best-fit index need: {@link #ceiling} (the least entry at or above a pair), {@link #floor} (the
 * greatest at or below), in O(log n) expected.
 *
 * <p>A treap: a binary search tree by (key, tie) that is also a heap by a priority derived from each node's index (a
 * fixed hash, so nothing stores it and a run is repeatable). Nodes are 32-byte records (key, tie, value, left and
 * right child indices as u32, 0 meaning none) in one reservation of its own, committed a page at a time as the pool
 * grows; a removed node goes on a free list threaded through its left link. The pool never shrinks: its committed
 * pages are the index's high-water mark. Not thread-safe: its owner's lock guards it.
 */
public final class OrderedIndex implements AutoCloseable {
    /** One entry, as a query returns it. */
    public record Entry(long key, long tie, long value) {}

    /** The bytes of one node. */
    public static final int NODE = 32;
    private static final long KEY = 0;
    private static final long TIE = 8;
    private static final long VALUE = 16;
    private static final long LEFT = 24;
    private static final long RIGHT = 28;

    private final Reservation space;
    private final MemorySegment nodes;
    private final long maxNodes;
    private final long page = VirtualMemory.pageSize();
    private long committedBytes;
    private int root;
    private int bump = 1; // node 0 is "none"
    private int freeHead;
    private long size;

    /**
     * An empty index that can hold {@code maxNodes} entries at once (at most 2^31 - 2), in a reservation of
     * {@code (maxNodes + 1) * 32} bytes, page-rounded, from {@code vm}.
     */
    public OrderedIndex(VirtualMemory vm, long maxNodes) {
        if (maxNodes < 1 || maxNodes > Integer.MAX_VALUE - 1) {
            throw new IllegalArgumentException("OrderedIndex(maxNodes=" + maxNodes + "): must be in [1, 2^31 - 2]");
        }
        this.maxNodes = maxNodes;
        long bytes = ((maxNodes + 1) * NODE + page - 1) & -page;
        this.space = vm.reserve(bytes);
        this.nodes = space.segment(0, bytes);
    }

    /** The number of entries. */
    public long size() {
        return size;
    }

    /** The most entries the index can hold at once. */
    public long capacity() {
        return maxNodes;
    }

    /** The bytes of the pool's pages committed so far. */
    public long committedBytes() {
        return committedBytes;
    }

    /**
     * Commits ahead, so that {@code n} more inserts need no commit (an allocator does this before it changes anything
     * that a failed commit would have to undo). A commit that fails changes nothing.
     *
     * @throws io.vakit.pal.VirtualMemoryException when the commit fails
     */
    public void ensureSpare(int n) {
        long end = Math.min(space.size(), (long) (bump + n) * NODE);
        if (end > committedBytes) {
            long grow = ((end - committedBytes) + page - 1) & -page;
            space.commit(committedBytes, grow);
            committedBytes += grow;
        }
    }

    /**
     * Decommits the pages committed since {@link #committedBytes()} was {@code mark}, those no node uses: what
     * {@link #ensureSpare} committed for an allocation that then failed.
     */
    public void rollback(long mark) {
        long used = bump == 1 ? 0 : (long) bump * NODE; // nodes 1 .. bump - 1 (node 0 is "none")
        long keep = Math.max(mark, (used + page - 1) & -page);
        if (keep < committedBytes) {
            space.decommit(keep, committedBytes - keep);
            committedBytes = keep;
        }
    }

    /** The bytes reserved for the pool. */
    public long reservedBytes() {
        return space.size();
    }

    /** The reservation's first address. */
    public long base() {
        return space.base();
    }

    /**
     * Adds {@code (key, tie) -> value}.
     *
     * @throws IllegalStateException when the pair is already there, or the pool is full
     */
    public void insert(long key, long tie, long value) {
        if (find(key, tie) != 0) {
            throw new IllegalStateException("OrderedIndex.insert(" + key + ", " + tie + "): already present");
        }
        int n = newNode(key, tie, value);
        int[] parts = splitBelow(root, key, tie);
        root = merge(merge(parts[0], n), parts[1]);
        size++;
    }

    /** Removes the entry of {@code (key, tie)}; returns whether there was one. */
    public boolean remove(long key, long tie) {
        int[] below = splitBelow(root, key, tie);
        int[] at = splitAtOrBelow(below[1], key, tie);
        boolean found = at[0] != 0;
        if (found) {
            freeNode(at[0]);
            size--;
        }
        root = merge(below[0], at[1]);
        return found;
    }

    /** The value of {@code (key, tie)}, or empty. */
    public Optional<Entry> get(long key, long tie) {
        return entry(find(key, tie));
    }

    /**
     * Replaces the value of {@code (key, tie)}.
     *
     * @throws IllegalStateException when the pair is not there
     */
    public void setValue(long key, long tie, long value) {
        int n = find(key, tie);
        if (n == 0) {
            throw new IllegalStateException("OrderedIndex.setValue(" + key + ", " + tie + "): not present");
        }
        put(n, VALUE, value);
    }

    /** The least entry at or above {@code (key, tie)}, or empty. */
    public Optional<Entry> ceiling(long key, long tie) {
        int best = 0;
        for (int n = root; n != 0; ) {
            if (compare(n, key, tie) >= 0) {
                best = n;
                n = left(n);
            } else {
                n = right(n);
            }
        }
        return entry(best);
    }

    /** The greatest entry at or below {@code (key, tie)}, or empty. */
    public Optional<Entry> floor(long key, long tie) {
        int best = 0;
        for (int n = root; n != 0; ) {
            if (compare(n, key, tie) <= 0) {
                best = n;
                n = right(n);
            } else {
                n = left(n);
            }
        }
        return entry(best);
    }

    /** The least entry, or empty. */
    public Optional<Entry> first() {
        return ceiling(Long.MIN_VALUE, Long.MIN_VALUE);
    }

    /** Every entry, in order. */
    public void forEach(Consumer<Entry> action) {
        walk(root, action);
    }

    /** Removes every entry; the pool keeps its committed pages. */
    public void clear() {
        root = 0;
        bump = 1;
        freeHead = 0;
        size = 0;
    }

    /**
     * Checks the structure: in order by (key, tie), a heap by priority, and {@link #size()} nodes reachable.
     *
     * @throws IllegalStateException naming the first broken invariant
     */
    public void verify() {
        long[] count = {0};
        verify(root, count, Long.MIN_VALUE, Long.MIN_VALUE, false, Long.MAX_VALUE, Long.MAX_VALUE, false);
        if (count[0] != size) {
            throw new IllegalStateException("OrderedIndex: " + count[0] + " nodes reachable, size says " + size);
        }
    }

    @Override
    public void close() {
        if (!space.released()) {
            space.close();
        }
    }

    // ------------------------------------------------------------------ the treap

    private int find(long key, long tie) {
        for (int n = root; n != 0; ) {
            int c = compare(n, key, tie);
            if (c == 0) {
                return n;
            }
            n = c > 0 ? left(n) : right(n);
        }
        return 0;
    }

    /** Splits {@code t} into the entries below {@code (key, tie)} and the rest. */
    private int[] splitBelow(int t, long key, long tie) {
        if (t == 0) {
            return new int[] {0, 0};
        }
        if (compare(t, key, tie) < 0) {
            int[] r = splitBelow(right(t), key, tie);
            setRight(t, r[0]);
            return new int[] {t, r[1]};
        }
        int[] l = splitBelow(left(t), key, tie);
        setLeft(t, l[1]);
        return new int[] {l[0], t};
    }

    /** Splits {@code t} into the entries at or below {@code (key, tie)} and the rest. */
    private int[] splitAtOrBelow(int t, long key, long tie) {
        if (t == 0) {
            return new int[] {0, 0};
        }
        if (compare(t, key, tie) <= 0) {
            int[] r = splitAtOrBelow(right(t), key, tie);
            setRight(t, r[0]);
            return new int[] {t, r[1]};
        }
        int[] l = splitAtOrBelow(left(t), key, tie);
        setLeft(t, l[1]);
        return new int[] {l[0], t};
    }

    /** Joins {@code a} and {@code b}, every entry of {@code a} below every entry of {@code b}. */
    private int merge(int a, int b) {
        if (a == 0) {
            return b;
        }
        if (b == 0) {
            return a;
        }
        if (priority(a) >= priority(b)) {
            setRight(a, merge(right(a), b));
            return a;
        }
        setLeft(b, merge(a, left(b)));
        return b;
    }

    /** A fixed pseudo-random priority of node {@code n} (a 32-bit finaliser of its index). */
    static int priority(int n) {
        int h = n * 0x9E3779B9;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return h;
    }

    private void walk(int n, Consumer<Entry> action) {
        if (n == 0) {
            return;
        }
        walk(left(n), action);
        action.accept(entry(n).orElseThrow());
        walk(right(n), action);
    }

    private void verify(int n, long[] count, long loKey, long loTie, boolean hasLo, long hiKey, long hiTie,
            boolean hasHi) {
        if (n == 0) {
            return;
        }
        count[0]++;
        if (count[0] > size) {
            throw new IllegalStateException("OrderedIndex: more nodes reachable than its size " + size);
        }
        if (hasLo && compare(n, loKey, loTie) <= 0 || hasHi && compare(n, hiKey, hiTie) >= 0) {
            throw new IllegalStateException("OrderedIndex: node " + n + " (" + key(n) + ", " + tie(n)
                    + ") is out of order");
        }
        for (int child : new int[] {left(n), right(n)}) {
            if (child != 0 && priority(child) > priority(n)) {
                throw new IllegalStateException("OrderedIndex: child " + child + " outranks its parent " + n);
            }
        }
        verify(left(n), count, loKey, loTie, hasLo, key(n), tie(n), true);
        verify(right(n), count, key(n), tie(n), true, hiKey, hiTie, hasHi);
    }

    // ------------------------------------------------------------------ nodes

    private int newNode(long key, long tie, long value) {
        int n;
        if (freeHead != 0) {
            n = freeHead;
            freeHead = left(n);
        } else {
            if (bump > maxNodes) {
                throw new IllegalStateException("OrderedIndex: all " + maxNodes + " nodes are in use");
            }
            n = bump++;
            long end = (long) (n + 1) * NODE;
            if (end > committedBytes) {
                long grow = ((end - committedBytes) + page - 1) & -page;
                space.commit(committedBytes, grow);
                committedBytes += grow;
            }
        }
        put(n, KEY, key);
        put(n, TIE, tie);
        put(n, VALUE, value);
        setLeft(n, 0);
        setRight(n, 0);
        return n;
    }

    private void freeNode(int n) {
        if (n == bump - 1) {
            bump--; // the newest node: its page can then be given back by rollback
            return;
        }
        setLeft(n, freeHead);
        setRight(n, 0);
        freeHead = n;
    }

    private Optional<Entry> entry(int n) {
        return n == 0 ? Optional.empty() : Optional.of(new Entry(key(n), tie(n), get(n, VALUE)));
    }

    private int compare(int n, long key, long tie) {
        int c = Long.compare(key(n), key);
        return c != 0 ? c : Long.compare(tie(n), tie);
    }

    private long key(int n) {
        return get(n, KEY);
    }

    private long tie(int n) {
        return get(n, TIE);
    }

    private int left(int n) {
        return nodes.get(ValueLayout.JAVA_INT_UNALIGNED, (long) n * NODE + LEFT);
    }

    private int right(int n) {
        return nodes.get(ValueLayout.JAVA_INT_UNALIGNED, (long) n * NODE + RIGHT);
    }

    private void setLeft(int n, int child) {
        nodes.set(ValueLayout.JAVA_INT_UNALIGNED, (long) n * NODE + LEFT, child);
    }

    private void setRight(int n, int child) {
        nodes.set(ValueLayout.JAVA_INT_UNALIGNED, (long) n * NODE + RIGHT, child);
    }

    private long get(int n, long field) {
        return nodes.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) n * NODE + field);
    }

    private void put(int n, long field, long value) {
        nodes.set(ValueLayout.JAVA_LONG_UNALIGNED, (long) n * NODE + field, value);
    }
}
