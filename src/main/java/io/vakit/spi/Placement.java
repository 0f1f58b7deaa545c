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
     */
    public record Level(String unit, long index, long start, long bytes) {
        /** Validates the unit name. */
        public Level {
            Objects.requireNonNull(unit, "unit");
        }

        @Override
        public String toString() {
            return unit + " " + index + " @0x" + Long.toHexString(start) + "+" + bytes;
        }
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
