package io.vakit.spec.layout;

import io.vakit.spi.Placement;
import java.util.List;
import java.util.Optional;

/**
 * The address arithmetic of design {@code groups} (seed 001, {@code spec/groups.md#address-arithmetic}). With base
 * {@code B} and segments of {@code S = 2^s} bytes, a block at {@code a} of {@code size} bytes is:
 * <pre>
 * Group A (size &lt;= 32 KiB)  segment = (a - B) &gt;&gt; s, region = (a - segment start) / (S / 32),
 *                          chunk = (a - region start) / 64 KiB, item = (a - chunk start) / class
 * Group B (size &lt;= S)       segment = (a - B) &gt;&gt; s, region = the whole segment, block = (a - segment start) / class
 * Group C (size &gt; S)        its own mapping, starting at a, page-rounded
 * </pre>
 * where class is the size rounded up to a power of two (at least 16 B). {@code B} and {@code S} are fixed by the
 * first block and must agree for every later one.
 */
final class GroupsLayoutLaw implements LayoutLaw {
    static final long CHUNK = 64 * 1024;
    static final long LARGEST_A = 32 * 1024;
    static final int REGIONS_PER_SEGMENT = 32;
    static final int MAX_CHUNKS_PER_REGION = 512;
    static final long MAX_SEGMENTS = 0xFFFF; // the u16 segment links

    @Override
    public String design() {
        return "groups";
    }

    @Override
    public List<Case> cases() {
        return List.of(
                new Case("1 .. 32 KiB (Group A)", "segment/region/chunk/item", "segment = (a - B) >> log2(S); region ="
                        + " (a - segment) / (S / 32); chunk = (a - region) / 64 KiB (< min(512, S / 32 / 64 KiB));"
                        + " item = (a - chunk) / class, class = max(16, next power of two)"),
                new Case("32 KiB + 1 .. S (Group B)", "segment/region/block", "segment = (a - B) >> log2(S); region ="
                        + " the segment; block = (a - segment) / class, class = max(64 KiB, next power of two)"),
                new Case("above S (Group C)", "mapping", "its own mapping, starting at a, page-rounded"));
    }

    @Override
    public Optional<String> check(long a, long size, Placement p, Anchors anchors) {
        if (p.path().equals("mapping")) {
            return groupC(a, size, p.slot(), anchors);
        }
        List<Placement.Level> l = p.levels();
        Placement.Level segment = l.get(0);
        long s = segment.bytes();
        return Levels.first(
                () -> size <= LARGEST_A ? Levels.path(p, "segment/region/chunk/item")
                        : Levels.path(p, "segment/region/block"),
                () -> Long.bitCount(s) == 1 && s >= REGIONS_PER_SEGMENT * CHUNK ? Optional.empty()
                        : Optional.of("a segment of " + s + " bytes is not a power of two of at least 2 MiB"),
                () -> anchors.agree("segment size", s),
                () -> segment.index() >= 0 && segment.index() < MAX_SEGMENTS ? Optional.empty()
                        : Optional.of("segment index " + segment.index() + " does not fit the u16 links"),
                () -> anchors.agree("base", segment.start() - segment.index() * s),
                () -> a - (segment.start() - segment.index() * s) >> Long.numberOfTrailingZeros(s) == segment.index()
                        ? Optional.empty() : Optional.of("(a - base) >> log2(segment) is not segment " + segment.index()),
                () -> size <= LARGEST_A ? groupA(a, size, l) : groupB(a, size, l));
    }

    private static Optional<String> groupA(long a, long size, List<Placement.Level> l) {
        Placement.Level segment = l.get(0);
        Placement.Level region = l.get(1);
        Placement.Level chunk = l.get(2);
        Placement.Level item = l.get(3);
        long regionBytes = segment.bytes() / REGIONS_PER_SEGMENT;
        long itemBytes = Levels.classOf(size, 16);
        return Levels.first(
                () -> Levels.nth(segment, region, regionBytes, REGIONS_PER_SEGMENT),
                () -> Levels.nth(region, chunk, CHUNK, Math.min(MAX_CHUNKS_PER_REGION, regionBytes / CHUNK)),
                () -> Levels.nth(chunk, item, itemBytes, CHUNK / itemBytes),
                () -> item.start() == a ? Optional.empty()
                        : Optional.of("item starts at 0x" + Long.toHexString(item.start()) + ", not at the block"));
    }

    private static Optional<String> groupB(long a, long size, List<Placement.Level> l) {
        Placement.Level segment = l.get(0);
        Placement.Level region = l.get(1);
        Placement.Level block = l.get(2);
        long blockBytes = Levels.classOf(size, CHUNK);
        return Levels.first(
                () -> blockBytes <= segment.bytes() ? Optional.empty()
                        : Optional.of(size + " bytes is above the segment size " + segment.bytes()
                                + ": Group C, its own mapping"),
                () -> Levels.nth(segment, region, segment.bytes(), 1),
                () -> Levels.nth(region, block, blockBytes, segment.bytes() / blockBytes),
                () -> block.start() == a ? Optional.empty()
                        : Optional.of("block starts at 0x" + Long.toHexString(block.start()) + ", not at the block"));
    }

    private static Optional<String> groupC(long a, long size, Placement.Level mapping, Anchors anchors) {
        Optional<Long> s = anchors.get("segment size");
        if (s.isPresent() && size <= s.get()) {
            return Optional.of(size + " bytes fits a segment of " + s.get() + ": Group A or B, not its own mapping");
        }
        if (size <= LARGEST_A) {
            return Optional.of(size + " bytes is a Group A size, not its own mapping");
        }
        return Optional.ofNullable(mapping.start() != a ? "the mapping starts at 0x" + Long.toHexString(mapping.start())
                + ", not at the block" : mapping.bytes() < size || mapping.bytes() % 4096 != 0
                        ? "a mapping of " + mapping.bytes() + " bytes for " + size + " is not page-rounded" : null);
    }

    /** Groups A and B: the class (items and blocks at multiples of it); Group C, above the segment size: the page. */
    @Override
    public Optional<Long> naturalAlignment(long size, Anchors anchors) {
        return anchors.get("segment size").map(s -> size <= s ? Levels.classOf(size, 16) : 4096L);
    }
}
