package io.vakit.spec.layout;

import io.vakit.spi.Placement;
import java.util.Optional;

/**
 * The address arithmetic of design {@code sized} (seed 003, {@code spec/sized.md}): a request of up to 8192 bytes
 * takes a slot of its power-of-two class inside a block whose size is a power of two and which is aligned to it, so
 * {@code block = a & -blockBytes}, and the slot lies at a multiple of its size inside the block; anything larger is
 * its own page-rounded mapping.
 */
final class SizedLayoutLaw implements LayoutLaw {
    static final long LARGEST_CLASS = 8192;

    @Override
    public String design() {
        return "sized";
    }

    @Override
    public java.util.List<Case> cases() {
        return java.util.List.of(
                new Case("1 .. 8192", "block/slot", "block = a & -blockBytes (a power of two); slot = a, of the next"
                        + " power of two bytes, at a multiple of its size inside the block"),
                new Case("above 8192", "mapping", "its own mapping, starting at a, page-rounded"));
    }

    @Override
    public Optional<String> check(long a, long size, Placement p, Anchors anchors) {
        if (size > LARGEST_CLASS) {
            Placement.Level m = p.slot();
            return Levels.first(() -> Levels.path(p, "mapping"),
                    () -> m.start() == a && m.bytes() == (size + 4095 & -4096L) ? Optional.empty()
                            : Optional.of("the mapping " + m + " is not " + size + " bytes page-rounded at the block"));
        }
        return Levels.first(() -> Levels.path(p, "block/slot"), () -> {
            Placement.Level block = p.levels().get(0);
            Placement.Level slot = p.slot();
            long slotBytes = Levels.classOf(size, 1);
            if (Long.bitCount(block.bytes()) != 1 || (a & -block.bytes()) != block.start()) {
                return Optional.of("the block " + block + " is not a power of two found by a & -blockBytes");
            }
            if (slot.bytes() != slotBytes || slot.start() != a || slotBytes > 1 && (a - block.start()) % slotBytes != 0) {
                return Optional.of("the slot " + slot + " is not a " + slotBytes + "-byte slot at the block, aligned"
                        + " to its size within the block");
            }
            return Optional.empty();
        });
    }

    /** The next power of two of the size, up to the page (slots at multiples of their size; mappings page-aligned). */
    @Override
    public Optional<Long> naturalAlignment(long size, Anchors anchors) {
        return Optional.of(Math.min(4096, Levels.classOf(size, 1)));
    }
}
