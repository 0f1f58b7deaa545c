package io.vakit.spec.layout;

import io.vakit.spi.Placement;
import java.util.List;
import java.util.Optional;

/**
 * The address arithmetic of design {@code arenas} (seed 002, {@code spec/arenas.md#address-arithmetic}). Every
 * reservation is a power of two of bytes, aligned to its size, so {@code reservation = a & -reservationBytes}; its
 * size is fixed per arena by the first block placed there and must agree for every later one.
 * <pre>
 * 1 .. 2 KiB           slab reservation/slot: slot = (a - reservation) / slotBytes, slotBytes = 512, 1024 or 2048
 *                      (the arena's largest request), at a multiple of it
 * 2 KiB + 1 .. 2 GiB   object reservation/block: block at a, of the size rounded to the arena's granule (16 B in
 *                      arena 3, to 4 KiB; 4 KiB above), index = (a - reservation) / granule
 * aligned above the    object reservation/block in the object arena of max(size, alignment): a block of
 * natural alignment    max(size, alignment) rounded to the granule; when the alignment was above the size, a
 *                      power of two of bytes at a multiple of itself
 * </pre>
 */
final class ArenasLayoutLaw implements LayoutLaw {
    /** The largest request of each arena, as spec/arenas.md's table gives it. */
    static final long[] ARENA_MAX = {512, 1024, 2048, 4096, 64 << 10, 2 << 20, 32 << 20, Long.MAX_VALUE};
    static final int FIRST_OBJECT = 3;

    @Override
    public String design() {
        return "arenas";
    }

    @Override
    public List<Case> cases() {
        return List.of(
                new Case("1 .. 2 KiB", "slab reservation/slot", "reservation = a & -R (R a power of two, one per"
                        + " arena); slot = (a - reservation) / B, B = 512, 1024 or 2048, the arena's largest request"),
                new Case("2 KiB + 1 .. 2 GiB", "object reservation/block", "reservation = a & -R; block at a of the"
                        + " size rounded to the granule g (16 B to 4 KiB, 4 KiB above); index = (a - reservation) / g"),
                new Case("with an alignment above the natural one", "object reservation/block", "the object arena"
                        + " of max(size, alignment): a block of max(size, alignment) rounded to g, at a multiple of"
                        + " the alignment"));
    }

    static int arenaOf(long size) {
        int i = 0;
        while (size > ARENA_MAX[i]) {
            i++;
        }
        return i;
    }

    static long granule(int arena) {
        return arena == FIRST_OBJECT ? 16 : 4096;
    }

    static long roundUp(long n, long g) {
        return (n + g - 1) / g * g;
    }

    @Override
    public Optional<String> check(long a, long size, Placement p, Anchors anchors) {
        return check(a, size, 0, p, anchors);
    }

    /**
     * With the asked alignment known: up to the natural one of the size, the natural block (a slot of a slab arena,
     * the size rounded to an object arena's granule); above it, a block of {@code max(size, alignment)} rounded to
     * the granule of that size's object arena (arena 3 at least), at a multiple of the alignment.
     */
    @Override
    public Optional<String> check(long a, long size, long asked, Placement p, Anchors anchors) {
        Optional<String> lenient = lenient(a, size, p, anchors);
        if (lenient.isPresent() || asked <= 0) {
            return lenient;
        }
        int own = arenaOf(size);
        long natural = naturalAlignment(size, anchors).orElseThrow();
        boolean slab = p.path().equals("slab reservation/slot");
        if (asked <= natural) {
            boolean ok = own < FIRST_OBJECT ? slab : !slab && p.slot().bytes() == roundUp(size, granule(own));
            return ok ? Optional.empty() : Optional.of("a request of " + size + " bytes at alignment " + asked
                    + " (within its natural " + natural + ") belongs to arena " + own + "'s natural "
                    + (own < FIRST_OBJECT ? "slot" : "block of " + roundUp(size, granule(own)) + " bytes") + ", not "
                    + p.slot());
        }
        long e = Math.max(size, asked);
        int arena = Math.max(FIRST_OBJECT, arenaOf(e));
        long bytes = roundUp(e, granule(arena));
        return !slab && p.slot().bytes() == bytes && a % asked == 0 ? Optional.empty()
                : Optional.of("a request of " + size + " bytes at alignment " + asked + " (above its natural "
                        + natural + ") belongs to a block of " + bytes + " bytes in object arena " + arena + " at a"
                        + " multiple of " + asked + ", not " + p.slot());
    }

    /** The law without the asked alignment: an object block a power of two at a multiple of itself may be one. */
    private static Optional<String> lenient(long a, long size, Placement p, Anchors anchors) {
        Placement.Level reservation = p.levels().get(0);
        Optional<String> aligned = Levels.first(() -> p.levels().size() == 2 ? Optional.empty()
                : Optional.of("the levels are " + p.path() + "; the design's are two"), () ->
                Long.bitCount(reservation.bytes()) == 1 && (a & -reservation.bytes()) == reservation.start()
                        ? Optional.empty() : Optional.of("the reservation " + reservation + " is not a power of two"
                                + " of bytes found by a & -reservationBytes"));
        if (aligned.isPresent()) {
            return aligned;
        }
        Placement.Level slot = p.slot();
        if (p.path().equals("slab reservation/slot")) {
            int arena = arenaOf(size);
            long bytes = ARENA_MAX[arena];
            return Levels.first(() -> arena < FIRST_OBJECT ? Optional.empty()
                            : Optional.of(size + " bytes belong to object arena " + arena + ", not a slab"),
                    () -> anchors.agree("arena " + arena + " reservation bytes", reservation.bytes()),
                    () -> slot.start() == a ? Optional.empty() : Optional.of("the slot " + slot + " does not start at"
                            + " the block"),
                    () -> Levels.nth(reservation, slot, bytes, reservation.bytes() / bytes));
        }
        if (!p.path().equals("object reservation/block")) {
            return Levels.path(p, "slab reservation/slot or object reservation/block");
        }
        // natural: the arena of the size; aligned above the size: the arena of the block, a power of two
        int natural = Math.max(FIRST_OBJECT, arenaOf(size));
        boolean isNatural = slot.bytes() == roundUp(size, granule(natural)) && arenaOf(size) >= FIRST_OBJECT;
        boolean byAlignment = Long.bitCount(slot.bytes()) == 1 && slot.bytes() >= size && a % slot.bytes() == 0;
        boolean aboveSize = !isNatural && byAlignment;
        int arena = aboveSize ? Math.max(FIRST_OBJECT, arenaOf(slot.bytes())) : natural;
        long g = granule(arena);
        return Levels.first(
                () -> isNatural || aboveSize || slot.bytes() == roundUp(size, g) ? Optional.empty()
                        : Optional.of("the block " + slot + " is neither " + size + " bytes rounded to the granule "
                                + g + " nor a power of two at a multiple of itself (an aligned request)"),
                () -> anchors.agree("arena " + arena + " reservation bytes", reservation.bytes()),
                () -> slot.start() == a && (a - reservation.start()) % g == 0
                        && slot.index() == (a - reservation.start()) / g ? Optional.empty()
                        : Optional.of("the block " + slot + " is not at a, granule " + (a - reservation.start()) / g
                                + " of its reservation"));
    }

    /** A slot's size in a slab arena; an object arena's granule (16 B in arena 3, the page above). */
    @Override
    public Optional<Long> naturalAlignment(long size, Anchors anchors) {
        int arena = arenaOf(size);
        return Optional.of(arena < FIRST_OBJECT ? ARENA_MAX[arena] : granule(arena));
    }
}
