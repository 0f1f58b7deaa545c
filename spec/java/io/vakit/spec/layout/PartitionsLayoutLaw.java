package io.vakit.spec.layout;

import io.vakit.spi.Placement;
import java.util.List;
import java.util.Optional;

/**
 * The address arithmetic of design {@code partitions} (seed 004, {@code spec/partitions.md#address-arithmetic}).
 * Eight partitions {@code k = 0..7} follow each other from a base {@code B}; partition {@code k} holds slices of
 * {@code A << k}-byte arenas ({@code A} the row-0 arena), an arena 64 parts. Every parent is found by aligning the
 * address down: {@code arena = a & -(A << k)}, {@code part = a & -((A << k) / 64)}. A block of {@code size} bytes
 * (asked at an alignment {@code al} that the law does not see: it accepts every power of two that {@code a} is a
 * multiple of) is:
 * <pre>
 * up to 32 KiB      an item of class c = the seed's class of size rounded up to a multiple of al, in a part of
 *                   partition row(c): item = (a - part) / c
 * up to row 5's part a whole part of row k, 2^k times the row-0 part, the smallest power of two holding it
 * up to row 7's arena a whole arena of row k, the smallest holding it
 * above            its own mapping (the high range), starting at a
 * </pre>
 * {@code B}, {@code A}, the partition-0 size and the slices per partition are fixed by the first block placed.
 */
final class PartitionsLayoutLaw implements LayoutLaw {
    static final long MAX_POOL = 32 * 1024;
    static final int PARTS = 64;

    @Override
    public String design() {
        return "partitions";
    }

    @Override
    public List<Case> cases() {
        return List.of(
                new Case("1 B .. 32 KiB (pools)", "partition/slice/arena/part/item", "partition k = row of the class"
                        + " c; arena = a & -(A << k); part = a & -((A << k) / 64); item = (a - part) / c, c = the"
                        + " class of the size rounded up to a multiple of the alignment"),
                new Case("32 KiB + 1 .. row 5's part (parts)", "partition/slice/arena/part", "a whole part of the"
                        + " row whose part is the smallest power of two holding the block, at a = part"),
                new Case("row 5's part + 1 .. row 7's arena (arenas)", "partition/slice/arena", "a whole arena of the"
                        + " row whose arena is the smallest power of two holding the block, at a = arena"),
                new Case("above row 7's arena (the high range)", "mapping", "its own mapping, starting at a"));
    }

    /** The seed's class of {@code size} (8 to 128 in steps of 8, then 8 classes per doubling), or -1 above 32 KiB. */
    static long classSize(long size) {
        if (size <= 128) {
            return Math.max(8, (size + 7) / 8 * 8);
        }
        if (size > MAX_POOL) {
            return -1;
        }
        long base = Long.highestOneBit(size - 1);
        long step = base / 8;
        return (size + step - 1) / step * step;
    }

    /** The seed's row of class size {@code c}. */
    static int row(long c) {
        if (c <= 64) {
            return 0;
        }
        if (c <= 128) {
            return 1;
        }
        return Math.min(6, 64 - Long.numberOfLeadingZeros(c - 1) - 8 + 2);
    }

    private static long roundTo(long size, long alignment) {
        long r = size % alignment;
        return r == 0 ? size : size + (alignment - r);
    }

    /**
     * Whether class {@code c} is what a request of {@code size} at {@code a} may get: at the asked alignment
     * {@code asked} when known (above 0), else at some alignment a has.
     */
    static boolean classFits(long size, long asked, long c, long a) {
        if (asked > 0) {
            return classSize(roundTo(size, asked)) == c;
        }
        for (long al = 1; al <= MAX_POOL; al <<= 1) {
            if (a % al == 0 && classSize(roundTo(size, al)) == c) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<String> check(long a, long size, Placement p, Anchors anchors) {
        return check(a, size, 0, p, anchors);
    }

    /** With the asked alignment known, a part or arena must be the one the request rounded to it needs. */
    @Override
    public Optional<String> check(long a, long size, long asked, Placement p, Anchors anchors) {
        if (p.path().equals("mapping")) {
            Optional<Long> a0 = anchors.get("row 0 arena");
            long effective = asked > 0 ? roundTo(size, asked) : size;
            return a0.isPresent() && effective <= a0.get() << 7 ? Optional.of(size + " bytes fits an arena of row 7 ("
                    + (a0.get() << 7) + "): not the high range") : p.slot().start() == a ? Optional.empty()
                    : Optional.of("the mapping " + p.slot() + " does not start at the block");
        }
        List<Placement.Level> l = p.levels();
        if (l.size() < 3) {
            return Optional.of("the levels are " + p.path() + "; the design's start partition/slice/arena");
        }
        Placement.Level partition = l.get(0);
        Placement.Level slice = l.get(1);
        Placement.Level arena = l.get(2);
        int k = (int) partition.index();
        long arena0 = arena.bytes() >> Math.max(0, k);
        long p0 = partition.bytes() >> Math.max(0, k);
        return Levels.first(
                () -> k >= 0 && k < 8 ? Optional.empty() : Optional.of("partition " + k + " is outside 0..7"),
                () -> Long.bitCount(arena.bytes()) == 1 && arena0 << k == arena.bytes() ? Optional.empty()
                        : Optional.of("an arena of " + arena.bytes() + " bytes in partition " + k + " is not a power"
                                + " of two A << k"),
                () -> anchors.agree("row 0 arena", arena0),
                () -> anchors.agree("partition 0 bytes", p0),
                () -> anchors.agree("slices per partition", partition.bytes() / slice.bytes()),
                () -> anchors.agree("base", partition.start() - offset(k, p0, arena0)),
                () -> Levels.nth(partition, slice, slice.bytes(), partition.bytes() / slice.bytes()),
                () -> Levels.nth(slice, arena, arena.bytes(), slice.bytes() / arena.bytes()),
                () -> (a & -arena.bytes()) == arena.start() ? Optional.empty()
                        : Optional.of("the arena " + arena + " is not a & -" + arena.bytes()),
                () -> inArena(a, size, asked, k, arena, l));
    }

    /** Partition {@code k}'s offset: each partition at the first multiple of its arena after the one before. */
    static long offset(int k, long p0, long arena0) {
        long at = 0;
        for (int j = 0; j < k; j++) {
            at += p0 << j;
            long align = arena0 << (j + 1);
            at = (at + align - 1) / align * align;
        }
        return at;
    }

    private static Optional<String> inArena(long a, long size, long asked, int k, Placement.Level arena,
            List<Placement.Level> l) {
        long partBytes = arena.bytes() / PARTS;
        long part0 = partBytes >> k;
        if (l.size() == 3) {
            return Levels.first(
                    () -> arena.start() == a ? Optional.empty() : Optional.of("the arena block is not at a"),
                    () -> routed(size, asked, "a whole arena", Levels.classOf(roundTo(size, Math.max(1, asked)), 1)
                            > part0 << 5, "the largest part ("
                            + (part0 << 5) + " bytes) holds it"),
                    () -> aboveNeed(size, asked, arena.bytes(), a, arena.bytes() >> k));
        }
        Placement.Level part = l.get(3);
        Optional<String> nested = Levels.first(
                () -> Levels.nth(arena, part, partBytes, PARTS),
                () -> (a & -partBytes) == part.start() ? Optional.empty()
                        : Optional.of("the part " + part + " is not a & -" + partBytes));
        if (nested.isPresent()) {
            return nested;
        }
        if (l.size() == 4) {
            return Levels.first(
                    () -> Levels.path(new Placement(l), "partition/slice/arena/part"),
                    () -> part.start() == a ? Optional.empty() : Optional.of("the part block is not at a"),
                    () -> k <= 5 ? Optional.empty() : Optional.of("a part block in partition " + k + " (above 5)"),
                    () -> routed(size, asked, "a whole part", roundTo(size, Math.max(1, asked)) > MAX_POOL,
                            "it is a pool's item (32 KiB at most)"),
                    () -> aboveNeed(size, asked, partBytes, a, part0));
        }
        Placement.Level item = l.get(4);
        long c = item.bytes();
        return Levels.first(
                () -> Levels.path(new Placement(l), "partition/slice/arena/part/item"),
                () -> classFits(size, asked, c, a) ? Optional.empty() : Optional.of("an item of " + c + " bytes is"
                        + " not the seed's class of " + size + " bytes " + (asked > 0 ? "rounded up to its alignment "
                        + asked : "at any alignment 0x" + Long.toHexString(a) + " has")),
                () -> row(c) == k ? Optional.empty() : Optional.of("class " + c + " belongs to row " + row(c)
                        + ", not partition " + k),
                () -> Levels.nth(part, item, c, partBytes / c),
                () -> item.start() == a ? Optional.empty() : Optional.of("the item does not start at the block"));
    }

    /**
     * With the asked alignment known, whether the request, rounded up to it, goes where it went ({@code fits}): a
     * whole part above 32 KiB, a whole arena above the largest part. Without it, any route may have been an aligned
     * request's.
     */
    private static Optional<String> routed(long size, long asked, String what, boolean fits, String instead) {
        return asked <= 0 || fits ? Optional.empty() : Optional.of(what + " for " + size + " bytes at alignment "
                + asked + ", but " + instead);
    }

    /**
     * A unit of {@code unit} bytes (a power of two, at least {@code min}) for a block of {@code size}: the smallest
     * holding it rounded up to the asked alignment when that is known (above 0); else that, or a larger one that the
     * block's address is a multiple of (it may have been an aligned request).
     */
    private static Optional<String> aboveNeed(long size, long asked, long unit, long a, long min) {
        long need = Math.max(min, Levels.classOf(asked > 0 ? roundTo(size, asked) : size, 1));
        if (unit == need || (asked <= 0 && unit > need && a % unit == 0)) {
            return Optional.empty();
        }
        return Optional.of("a unit of " + unit + " bytes for " + size + " bytes" + (asked > 0 ? " at alignment "
                + asked : "") + "; the smallest holding it is " + need);
    }

    /**
     * An item: the largest power of two dividing its class (items sit at multiples of the class in an aligned part);
     * a whole part or arena: its own size, the smallest power of two holding the block, at least the row-0 part or
     * arena (it starts its unit); the high range: the page.
     */
    @Override
    public Optional<Long> naturalAlignment(long size, Anchors anchors) {
        if (size <= MAX_POOL) {
            return Optional.of(Long.lowestOneBit(classSize(size)));
        }
        return anchors.get("row 0 arena").map(arena0 -> {
            long part0 = arena0 / PARTS;
            long unit = Levels.classOf(size, 1);
            if (unit <= part0 << 5) {
                return Math.max(unit, part0);
            }
            return size <= arena0 << 7 ? Math.max(unit, arena0) : 4096L;
        });
    }
}
