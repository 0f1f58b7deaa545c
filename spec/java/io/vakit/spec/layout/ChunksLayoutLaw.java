package io.vakit.spec.layout;

import io.vakit.spi.Placement;
import java.util.List;
import java.util.Optional;

/**
 * The address arithmetic of design {@code chunks} (seed 000, {@code spec/chunks.md#address-arithmetic}). With base
 * {@code B}, segments of {@code S} bytes (at most 256 regions) and regions of {@code R} bytes (at most 256 blocks of
 * 1 MiB, at least 2), a block at {@code a} whose size rounds up to the power of two {@code c} (at least 16 B) is:
 * <pre>
 * c &lt;= 4 KiB        segment = (a - B) / S, region = (a - segment) / R, block = (a - region) / 1 MiB,
 *                   chunk = (a - block) / 4 KiB (of 256), item = (a - chunk) / c (of 4 KiB / c)
 * 4 KiB &lt; c &lt;= 1 MiB  segment, region, block as above; run = (a - block) / 4 KiB, c / 4 KiB chunks inside the block
 * 1 MiB &lt; c &lt;= R    segment, region as above; run = (a - region) / 1 MiB, c / 1 MiB blocks inside the region
 * c &gt; R            its own mapping, starting at a: c bytes (page-rounded above 256 MiB)
 * </pre>
 * {@code B}, {@code S} and {@code R} are fixed by the first block placed in the segments and must agree for every
 * later one.
 */
final class ChunksLayoutLaw implements LayoutLaw {
    static final long CHUNK = 4096;
    static final long BLOCK = 1L << 20;
    static final long TABLE_TOP = 256L << 20;

    @Override
    public String design() {
        return "chunks";
    }

    @Override
    public List<Case> cases() {
        return List.of(
                new Case("1 B .. 4 KiB (items)", "segment/region/block/chunk/item", "segment = (a - B) / S; region ="
                        + " (a - segment) / R; block = (a - region) / 1 MiB; chunk = (a - block) / 4 KiB (< 256);"
                        + " item = (a - chunk) / c (< 4 KiB / c), c = max(16, next power of two)"),
                new Case("4 KiB + 1 .. 1 MiB (runs of chunks)", "segment/region/block/run", "segment, region, block"
                        + " as above; run = (a - block) / 4 KiB, c / 4 KiB chunks, all inside the block"),
                new Case("1 MiB + 1 .. R (runs of blocks)", "segment/region/run", "segment, region as above; run ="
                        + " (a - region) / 1 MiB, c / 1 MiB blocks, all inside the region"),
                new Case("above R (mappings)", "mapping", "its own mapping, starting at a: c bytes, page-rounded"
                        + " above 256 MiB"));
    }

    @Override
    public Optional<String> check(long a, long size, Placement p, Anchors anchors) {
        long c = Levels.classOf(size, 16);
        if (p.path().equals("mapping")) {
            return mapping(a, size, c, p.slot(), anchors);
        }
        List<Placement.Level> l = p.levels();
        if (l.size() < 3) {
            return Optional.of("the levels are " + p.path() + "; the design's start segment/region");
        }
        Placement.Level segment = l.get(0);
        Placement.Level region = l.get(1);
        long s = segment.bytes();
        long r = region.bytes();
        return Levels.first(
                () -> Levels.path(p, c <= CHUNK ? "segment/region/block/chunk/item" : c <= BLOCK
                        ? "segment/region/block/run" : "segment/region/run"),
                () -> Long.bitCount(r) == 1 && r >= 2 * BLOCK && r <= 256 * BLOCK ? Optional.empty()
                        : Optional.of("a region of " + r + " bytes is not 2 to 256 blocks of 1 MiB, a power of two"),
                () -> Long.bitCount(s) == 1 && s >= r && s <= 256 * r ? Optional.empty()
                        : Optional.of("a segment of " + s + " bytes is not 1 to 256 regions, a power of two"),
                () -> anchors.agree("segment size", s),
                () -> anchors.agree("region size", r),
                () -> segment.index() >= 0 && segment.index() < 256 ? Optional.empty()
                        : Optional.of("segment index " + segment.index() + " is outside 0..255"),
                () -> anchors.agree("base", segment.start() - segment.index() * s),
                () -> Long.divideUnsigned(a - (segment.start() - segment.index() * s), s) == segment.index()
                        ? Optional.empty() : Optional.of("(a - base) / segment size is not segment " + segment.index()),
                () -> c > r ? Optional.of(size + " bytes is above the region size " + r + ": its own mapping")
                        : Optional.empty(),
                () -> Levels.nth(segment, region, r, s / r),
                () -> c <= BLOCK ? inBlock(a, c, l) : run(a, c, region, l.get(2), BLOCK, r / BLOCK));
    }

    private static Optional<String> inBlock(long a, long c, List<Placement.Level> l) {
        Placement.Level region = l.get(1);
        Placement.Level block = l.get(2);
        return Levels.first(
                () -> Levels.nth(region, block, BLOCK, region.bytes() / BLOCK),
                () -> c <= CHUNK ? item(a, c, block, l.get(3), l.get(4)) : run(a, c, block, l.get(3), CHUNK, 256));
    }

    private static Optional<String> item(long a, long c, Placement.Level block, Placement.Level chunk,
            Placement.Level item) {
        return Levels.first(
                () -> Levels.nth(block, chunk, CHUNK, 256),
                () -> Levels.nth(chunk, item, c, CHUNK / c),
                () -> item.start() == a ? Optional.empty()
                        : Optional.of("item starts at 0x" + Long.toHexString(item.start()) + ", not at the block"));
    }

    /** A run of {@code c / unit} units of {@code unit} bytes at unit {@code run.index()} of {@code outer}. */
    private static Optional<String> run(long a, long c, Placement.Level outer, Placement.Level run, long unit,
            long units) {
        long n = c / unit;
        return Levels.first(
                () -> run.bytes() == c ? Optional.empty()
                        : Optional.of("run has " + run.bytes() + " bytes; the size's class is " + c),
                () -> run.index() >= 0 && run.index() + n <= units ? Optional.empty()
                        : Optional.of("a run of " + n + " at " + outer.unit() + " unit " + run.index()
                                + " does not fit its " + units),
                () -> run.start() == outer.start() + run.index() * unit && run.start() == a ? Optional.empty()
                        : Optional.of("run " + run.index() + " starts at 0x" + Long.toHexString(run.start()) + "; "
                                + outer.unit() + " start + index * " + unit + " is 0x"
                                + Long.toHexString(outer.start() + run.index() * unit)));
    }

    private static Optional<String> mapping(long a, long size, long c, Placement.Level mapping, Anchors anchors) {
        Optional<Long> r = anchors.get("region size");
        if (r.isPresent() && c <= r.get()) {
            return Optional.of(size + " bytes fits a region of " + r.get() + ": not its own mapping");
        }
        if (c <= BLOCK) {
            return Optional.of(size + " bytes is an item or chunk-run size, not its own mapping");
        }
        long bytes = c <= TABLE_TOP ? c : (size + CHUNK - 1) & -CHUNK;
        return Optional.ofNullable(mapping.start() != a ? "the mapping starts at 0x" + Long.toHexString(mapping.start())
                + ", not at the block" : mapping.bytes() != bytes ? "a mapping of " + mapping.bytes() + " bytes for "
                        + size + "; the design's is " + bytes : null);
    }

    /**
     * An item: its class (items at multiples of it in a chunk); a run of chunks: the chunk; a run of blocks: the
     * block; beyond the table (above 256 MiB): the page.
     */
    @Override
    public Optional<Long> naturalAlignment(long size, Anchors anchors) {
        long c = Levels.classOf(size, 16);
        return Optional.of(size > TABLE_TOP ? 4096 : c <= CHUNK ? c : c <= BLOCK ? CHUNK : BLOCK);
    }
}
