package io.vakit.spec.layout;

import java.util.Optional;
import java.util.TreeMap;

/**
 * The values one allocator's placements must keep the same from block to block (the base of its reservation, its
 * segment size): the first placement fixes each, later ones must agree.
 */
public final class Anchors {
    private final TreeMap<String, Long> values = new TreeMap<>();

    /** Fixes {@code name} to {@code value} the first time; afterwards, a message when {@code value} differs. */
    public Optional<String> agree(String name, long value) {
        Long known = values.putIfAbsent(name, value);
        if (known == null || known == value) {
            return Optional.empty();
        }
        return Optional.of(name + " is 0x" + Long.toHexString(value) + " here but was 0x" + Long.toHexString(known)
                + " for an earlier block");
    }

    /** The value fixed for {@code name}, if any. */
    public Optional<Long> get(String name) {
        return Optional.ofNullable(values.get(name));
    }
}
