package io.vakit.spec.layout;

import io.vakit.spi.Placement;
import java.util.Optional;

/** Checks shared by the layout laws. */
final class Levels {
    private Levels() {}

    /** A message unless the units of {@code p} are named {@code units}. */
    static Optional<String> path(Placement p, String units) {
        return p.path().equals(units) ? Optional.empty()
                : Optional.of("the levels are " + p.path() + "; the design's are " + units);
    }

    /**
     * A message unless {@code child} is unit number {@code child.index()} of {@code bytes} bytes counted from
     * {@code parent.start()}, with {@code count} such units in the parent.
     */
    static Optional<String> nth(Placement.Level parent, Placement.Level child, long bytes, long count) {
        if (child.bytes() != bytes) {
            return Optional.of(child.unit() + " has " + child.bytes() + " bytes; the design's are " + bytes);
        }
        if (child.index() < 0 || child.index() >= count) {
            return Optional.of(child.unit() + " index " + child.index() + " is outside 0.." + (count - 1));
        }
        long expected = parent.start() + child.index() * bytes;
        if (child.start() != expected) {
            return Optional.of(child.unit() + " " + child.index() + " starts at 0x" + Long.toHexString(child.start())
                    + "; " + parent.unit() + " start + index * " + bytes + " is 0x" + Long.toHexString(expected));
        }
        return Optional.empty();
    }

    /** The first present message. */
    @SafeVarargs
    static Optional<String> first(java.util.function.Supplier<Optional<String>>... checks) {
        for (var c : checks) {
            Optional<String> m = c.get();
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }

    /** {@code size} rounded up to a power of two, at least {@code min}. */
    static long classOf(long size, long min) {
        return size <= min ? min : Long.highestOneBit(size - 1) << 1;
    }
}
