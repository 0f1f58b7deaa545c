package io.vakit.spi;

import java.util.List;
import java.util.Objects;

/**
 * Where a design put a live block: the units that hold it, from the outermost (a segment, a mapping) to the
 * innermost, which is the block's own slot ({@code start} is the block's address, {@code bytes} its usable size).
 *
 * @param levels the units, outermost first; at least one
 */
public record Placement(List<Level> levels) {

    /**
     * One unit of a placement.
     *
     * @param unit what the design calls it: {@code segment}, {@code region}, {@code chunk}, {@code item}, ...
     * @param index its index inside the enclosing unit (0 for the outermost, when it has none)
     * @param start its first address
     * @param bytes its size
     * @param capacity for a container of equal slots (the level just outside a block's slot: a chunk of items, a
     *     slab of slots), how many blocks of this slot size it holds at most, as the design states it; 0 when the
     *     design states none (a unit of blocks of many sizes, or an outer unit). The kit counts a container full only
     *     when as many of its live blocks as this are in it (spec/contract.md, "Coverage")
     */
    public record Level(String unit, long index, long start, long bytes, long capacity) {
        /** Validates the unit name and the capacity. */
        public Level {
            Objects.requireNonNull(unit, "unit");
            if (capacity < 0) {
                throw new IllegalArgumentException("level " + unit + ": capacity " + capacity + " is negative");
            }
        }

        /** A unit that states no capacity. */
        public Level(String unit, long index, long start, long bytes) {
            this(unit, index, start, bytes, 0);
        }

        @Override
        public String toString() {
            return unit + " " + index + " @0x" + Long.toHexString(start) + "+" + bytes
                    + (capacity > 0 ? " (holds " + capacity + ")" : "");
        }
    }

    /**
     * The container of the block: the level just outside its slot, or empty for a placement of one level (a
     * mapping of its own).
     */
    public java.util.Optional<Level> container() {
        return levels.size() < 2 ? java.util.Optional.empty() : java.util.Optional.of(levels.get(levels.size() - 2));
    }

    /** Freezes the levels. */
    public Placement {
        levels = List.copyOf(levels);
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("a placement has at least one level");
        }
    }

    /** The innermost level: the block's slot. */
    public Level slot() {
        return levels.getLast();
    }

    /** The names of the levels, outermost first, such as {@code segment/region/chunk/item}. */
    public String path() {
        return String.join("/", levels.stream().map(Level::unit).toList());
    }

    @Override
    public String toString() {
        return levels.toString();
    }
}
