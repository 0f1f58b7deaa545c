package io.vakit.spec.contract;

import io.vakit.spi.Allocator;
import io.vakit.spi.Feature;
import io.vakit.spi.Placement;
import io.vakit.spi.SizeClassTable;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The kinds of block the race checks (rules T3 and T4) free twice at once and query while freed, each a size that
 * takes its own path through a design: the smallest class, a class edge, the last live slot of a container (its
 * free gives the container back), a block just above the size-class table, and a large mapping of its own. Found
 * from the descriptor and, for the large mapping, from placements: the first size, doubling from the block above the
 * table, whose placement is a single level (spec/contract.md, T3).
 *
 * @param name the kind, as reports name it
 * @param size the request
 */
public record RaceKinds(String name, long size) {
    /** The smallest class: a request of 1 byte. */
    public static final String SMALLEST = "smallest class";
    /** The largest request of a class in the middle of the table. */
    public static final String CLASS_EDGE = "class edge";
    /** A class no other kind uses, whose only block is its container's last live slot. */
    public static final String LAST_SLOT = "last slot of a container";
    /** One byte above the table's last class. */
    public static final String ABOVE_TABLE = "above the table";
    /** A block whose placement is a mapping of its own. */
    public static final String LARGE_MAPPING = "large mapping";
    /** The largest size tried for a large mapping. */
    static final long LARGEST_PROBE = 2L << 30;

    /**
     * The kinds of {@code design}'s allocators, as {@code open} opens them: every kind whose size the design serves,
     * once each, in the order above. The large mapping is probed on an allocator of its own, closed after.
     */
    public static List<RaceKinds> of(Supplier<Allocator> open) {
        List<RaceKinds> out = new ArrayList<>();
        try (Allocator a = open.get()) {
            var d = a.descriptor();
            SizeClassTable t = d.sizeClasses();
            long max = d.maxBlockSize();
            add(out, SMALLEST, 1, max);
            if (t != null && t.count() >= 3) {
                add(out, CLASS_EDGE, t.size(t.count() / 2), max);
                add(out, LAST_SLOT, t.size(t.count() / 4 == t.count() / 2 ? 0 : t.count() / 4), max);
                add(out, ABOVE_TABLE, t.size(t.count() - 1) + 1, max);
            } else {
                add(out, CLASS_EDGE, 1024, max);
                add(out, LAST_SLOT, 200, max);
                add(out, ABOVE_TABLE, 64 * 1024 + 1, max);
            }
            largeMapping(a, out.getLast().size()).ifPresent(s -> out.add(new RaceKinds(LARGE_MAPPING, s)));
        }
        return out.stream().filter(k -> out.stream().filter(o -> o.size == k.size).findFirst().orElseThrow() == k)
                .toList();
    }

    private static void add(List<RaceKinds> out, String name, long size, long max) {
        if (size >= 1 && size <= max) {
            out.add(new RaceKinds(name, size));
        }
    }

    /**
     * The first size, doubling from twice {@code from}, that {@code a} places in a mapping of its own (a placement of
     * one level); without placements, 4 MiB where the design serves it.
     */
    static Optional<Long> largeMapping(Allocator a, long from) {
        long max = Math.min(a.descriptor().maxBlockSize(), LARGEST_PROBE);
        if (!a.descriptor().has(Feature.PLACEMENT)) {
            long s = Math.min(max, 4L << 20);
            return s > from ? Optional.of(s) : Optional.empty();
        }
        for (long s = 2 * from; s <= max; s = s * 2) {
            MemorySegment b;
            try {
                b = a.allocate(s);
            } catch (RuntimeException refused) {
                return Optional.empty();
            }
            Optional<Placement> p = a.placement(b.address());
            a.free(b);
            if (p.isPresent() && p.get().levels().size() == 1) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The kind named {@code name} among {@code kinds}. */
    public static Optional<RaceKinds> named(List<RaceKinds> kinds, String name) {
        return kinds.stream().filter(k -> k.name.equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return name + " (" + size + " bytes)";
    }
}
