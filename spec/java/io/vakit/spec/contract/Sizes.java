package io.vakit.spec.contract;

import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import io.vakit.spi.SizeClassTable;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How the contract machine picks sizes and alignments. Half the sizes are class edges (c-1, c, c+1 of every class
 * of the design's table, or 2^k-1, 2^k, 2^k+1 without one), the rest log-uniform: mostly small, some up to the
 * design's largest block. Blocks above {@link Patterns#FULL} are written and checked in windows, so a chain stays
 * fast whatever its sizes; calloc and realloc copy or zero whole blocks, so their sizes stay below
 * {@link #COPY_MAX}. Alignments are (k*A, A) pairs for every power of two A up to the design's maximum, and
 * alignments above the natural one (which a design without ALIGNED_ALLOCATION must refuse).
 */
final class Sizes {
    /** calloc and realloc sizes stay at or below this: the allocator touches every byte of them. */
    static final long COPY_MAX = 16L << 20;
    /**
     * An interior address is drawn as an offset below this, taken modulo the block's size: every byte of a block up
     * to 1 TiB is as likely, so the pages and containers deep inside a large block are asked about too (with
     * 2^20, a block of several 1 MiB units was only ever probed in its first). A power of two, so the draw takes
     * one value of the chain's random stream whatever the bound.
     */
    static final long OFFSET_BOUND = 1L << 40;
    /** A burst touches at most this many bytes of pattern. */
    static final long BURST_BYTES = 32L << 20;
    /** The most blocks in one burst. */
    static final int BURST_MAX = 10_000;

    private Sizes() {}

    /**
     * A size for an allocation: an edge of the table; an edge of a slot beyond the table that fresh blocks were seen to
     * get (their usable size, so that a realloc to it can be judged in place, or one byte more), mostly one not asked
     * yet; small; or anything up to the design's maximum.
     */
    static long size(RandomGenerator r, AllocatorModel m) {
        int roll = r.nextInt(100);
        if (roll < 50) {
            return edge(r, m, m.design().maxBlockSize());
        }
        if (roll < 58) {
            long[] slot = m.slotEdges(m.design().maxBlockSize());
            long[] open = java.util.Arrays.stream(slot).filter(e -> !m.askedFresh(e)).toArray();
            if (slot.length > 0) {
                return open.length > 0 ? open[r.nextInt(open.length)] : slot[r.nextInt(slot.length)];
            }
        }
        return logUniform(r, roll < 85 ? Math.min(4096, m.design().maxBlockSize()) : m.design().maxBlockSize());
    }

    /** The offsets a shrink tries in place of {@code offset}: the block's start, then the offset below 1 MiB. */
    static List<Long> smallerOffsets(long offset) {
        if (offset == 0) {
            return List.of();
        }
        long low = offset & ((1L << 20) - 1);
        return low == offset || low == 0 ? List.of(0L) : List.of(0L, low);
    }

    /** A size whose allocation the allocator touches whole: at most {@link #COPY_MAX}. */
    static long copiedSize(RandomGenerator r, AllocatorModel m) {
        long max = Math.min(COPY_MAX, m.design().maxBlockSize());
        return r.nextInt(100) < 50 ? edge(r, m, max) : logUniform(r, r.nextBoolean() ? Math.min(4096, max) : max);
    }

    /** A class edge of at most {@code max} bytes: mostly one the run has not reached yet, while there are any. */
    static long edge(RandomGenerator r, AllocatorModel m, long max) {
        long[] edges = m.edges();
        int n = upper(edges, max);
        if (n == 0) {
            return logUniform(r, max);
        }
        if (r.nextInt(100) < 70) {
            long[] open = java.util.Arrays.stream(edges, 0, n).filter(e -> !m.reached(States.edge(e))).toArray();
            if (open.length > 0) {
                return open[r.nextInt(open.length)];
            }
        }
        return edges[r.nextInt(n)];
    }

    /** The number of edges of at most {@code max}. */
    private static int upper(long[] edges, long max) {
        int i = java.util.Arrays.binarySearch(edges, max);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** Log-uniform in {@code [1, max]}. */
    static long logUniform(RandomGenerator r, long max) {
        int bits = 64 - Long.numberOfLeadingZeros(max);
        int b = r.nextInt(bits) + 1;
        long hi = Math.min(max, (1L << b) - 1);
        long lo = 1L << (b - 1);
        return lo + (hi > lo ? r.nextLong(hi - lo + 1) : 0);
    }

    /**
     * An alignment for {@code size}: mostly none (1); else a power of two A up to the design's maximum (with
     * ALIGNED_ALLOCATION) or up to a little above the natural alignment (without it, so that the refusal is tried).
     */
    static long alignment(RandomGenerator r, DesignDescriptor design, long size) {
        if (r.nextInt(100) < 60) {
            return 1;
        }
        long natural = design.alignment().alignmentFor(size);
        long max = design.has(Feature.ALIGNED_ALLOCATION) ? design.maxAlignment()
                : Math.min(design.maxAlignment(), natural << 2);
        int bits = 63 - Long.numberOfLeadingZeros(max);
        return 1L << r.nextInt(bits + 1);
    }

    /** An aligned pair (k*A, A) of {@link States#pairs}: mostly one the run has not tried yet, while there are any. */
    /** True while some aligned pair of the design was not yet reached by the run. */
    static boolean openPairs(AllocatorModel m) {
        return java.util.Arrays.stream(m.pairs()).anyMatch(p -> !m.reached(States.pair(p[0], p[1])));
    }

    static long[] alignedPair(RandomGenerator r, AllocatorModel m) {
        long[][] pairs = m.pairs();
        if (pairs.length == 0) {
            return new long[] {16, 16};
        }
        if (r.nextInt(100) < 80) {
            long[][] open = java.util.Arrays.stream(pairs).filter(p -> !m.reached(States.pair(p[0], p[1])))
                    .toArray(long[][]::new);
            if (open.length > 0) {
                return open[r.nextInt(open.length)];
            }
        }
        return pairs[r.nextInt(pairs.length)];
    }

    /** The class index of {@code size}: the table's, or its power of two without one (above the table: count). */
    /**
     * The class a sized free of {@code size} bytes names, for M4: the table's class where the table covers the size;
     * beyond the table, or without one, its power of two (the bit length of {@code size - 1}), numbered after the
     * table's classes. Two sizes of one class may be the same block; two of different classes never are.
     */
    static int freeClass(DesignDescriptor design, long size) {
        SizeClassTable t = design.sizeClasses();
        int c = t == null ? -1 : t.classOf(size);
        return c >= 0 ? c : (t == null ? 0 : t.count()) + 64 - Long.numberOfLeadingZeros(size - 1);
    }

    static int classOf(DesignDescriptor design, long size) {
        SizeClassTable t = design.sizeClasses();
        if (t != null) {
            int c = t.classOf(size);
            return c < 0 ? t.count() : c;
        }
        return 64 - Long.numberOfLeadingZeros(size - 1);
    }

    /**
     * A new size for a realloc of block {@code b}: in the table, its usable size (the top of its class); within its
     * class, a class up, or a class down; or, beyond the table, a size whose fresh blocks got exactly its usable size
     * (its slot's top among them once a fresh block of that size was seen, which the slot edges aim at).
     */
    static long reallocSize(RandomGenerator r, AllocatorModel m, AllocatorModel.Block b) {
        long max = Math.min(COPY_MAX, m.design().maxBlockSize());
        long size = Math.min(b.size(), COPY_MAX);
        long beyond = States.beyond(m.design());
        if (b.usable() > b.size() && b.usable() <= Math.min(max, beyond) && r.nextInt(8) == 0) {
            return b.usable(); // the top of its class: the last size that still fits (beyond, its slot's sizes below)
        }
        if (b.usable() > beyond && r.nextInt(4) == 0) {
            long[] slot = m.sizesWithUsable(b.usable(), max);
            long[] larger = java.util.Arrays.stream(slot).filter(s -> s > b.size()).toArray();
            if (larger.length > 0 && r.nextBoolean()) {
                return larger[r.nextInt(larger.length)]; // grown within its slot: where a move is easiest to slip in
            }
            if (slot.length > 0) {
                return slot[r.nextInt(slot.length)];
            }
        }
        long[] edges = m.edges();
        int n = upper(edges, max);
        int c = classOf(m.design(), size);
        int want = switch (r.nextInt(3)) {
            case 0 -> c;
            case 1 -> c + 1;
            default -> c - 1;
        };
        long[] matching = java.util.Arrays.stream(edges, 0, n).filter(e -> classOf(m.design(), e) == want).toArray();
        if (matching.length == 0) {
            return copiedSize(r, m);
        }
        return matching[r.nextInt(matching.length)];
    }

    /** Strictly simpler sizes than {@code size}: 1, then half. */
    static long[] simpler(long size) {
        if (size <= 1) {
            return new long[0];
        }
        return size == 2 ? new long[] {1} : new long[] {1, size / 2};
    }
}
