package io.vakit.spec.layout;

import io.vakit.spi.Placement;
import java.util.List;
import java.util.Optional;

/**
 * The address arithmetic of design {@code arenas-default} (seed 002's default allocator, {@code spec/arenas.md}):
 * one reservation, a power of two of bytes aligned to its size, fixed by the first block; every block lies in it at
 * a multiple of 16 bytes, of its size rounded up to 16.
 */
final class ArenasDefaultLayoutLaw implements LayoutLaw {
    static final long GRANULE = 16;

    @Override
    public String design() {
        return "arenas-default";
    }

    @Override
    public List<Case> cases() {
        return List.of(new Case("every size", "object reservation/block", "the one reservation = a & -R, the same for"
                + " every block; block at a of the size rounded to 16 B; index = (a - reservation) / 16"));
    }

    @Override
    public Optional<String> check(long a, long size, Placement p, Anchors anchors) {
        return Levels.first(() -> Levels.path(p, "object reservation/block"), () -> {
            Placement.Level reservation = p.levels().get(0);
            Placement.Level block = p.slot();
            if (Long.bitCount(reservation.bytes()) != 1 || (a & -reservation.bytes()) != reservation.start()) {
                return Optional.of("the reservation " + reservation + " is not a power of two of bytes found by"
                        + " a & -reservationBytes");
            }
            return Levels.first(() -> anchors.agree("the reservation", reservation.start()),
                    () -> block.start() == a && block.bytes() == (size + GRANULE - 1) / GRANULE * GRANULE
                            && block.index() == (a - reservation.start()) / GRANULE ? Optional.empty()
                            : Optional.of("the block " + block + " is not " + size + " bytes rounded to 16 at a,"
                                    + " granule " + (a - reservation.start()) / GRANULE + " of the reservation"));
        });
    }

    /** The granule, for every size. */
    @Override
    public Optional<Long> naturalAlignment(long size, Anchors anchors) {
        return Optional.of(GRANULE);
    }
}
