package io.vakit.design.arenas;

import io.vakit.spi.SizeClassTable;

/**
 * Seed 002's eight arenas, chosen by size: three slab arenas (a bitmap of blocks of the arena's maximum size) and
 * five object arenas (best fit over address ranges). As a size-class table only the slab classes have fixed sizes
 * (512 B, 1 KiB, 2 KiB); {@link #classOf} is -1 above 2 KiB, where the object arenas serve the request rounded
 * to their granule.
 */
public final class ArenaClasses implements SizeClassTable {
    /** How an arena allocates. */
    public enum Strategy {
        /** A bitmap of fixed blocks of the arena's maximum size. */
        SLAB,
        /** Best fit by size, address-ordered coalescing. */
        OBJECT
    }

    /**
     * One arena.
     *
     * @param index 0 to 7
     * @param maxSize the largest request it serves (Long.MAX_VALUE for the last)
     * @param reservation the bytes each of its reservations spans
     * @param strategy slab or object
     * @param granule the unit an object arena rounds to (the block size for a slab)
     */
    public record Arena(int index, long maxSize, long reservation, Strategy strategy, long granule) {}

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    /** The arenas, in the seed's order. */
    public static final java.util.List<Arena> ARENAS = java.util.List.of(
            new Arena(0, 512, 2 * MIB, Strategy.SLAB, 512),
            new Arena(1, KIB, 2 * MIB, Strategy.SLAB, KIB),
            new Arena(2, 2 * KIB, 4 * MIB, Strategy.SLAB, 2 * KIB),
            new Arena(3, 4 * KIB, 8 * MIB, Strategy.OBJECT, 16),
            new Arena(4, 64 * KIB, 32 * MIB, Strategy.OBJECT, 4 * KIB),
            new Arena(5, 2 * MIB, 64 * MIB, Strategy.OBJECT, 4 * KIB),
            new Arena(6, 32 * MIB, 512 * MIB, Strategy.OBJECT, 4 * KIB),
            new Arena(7, Long.MAX_VALUE, 2048 * MIB, Strategy.OBJECT, 4 * KIB));

    /** The largest request: one whole reservation of the last arena. */
    public static final long MAX_REQUEST = 2048 * MIB;

    @Override
    public int count() {
        return 3;
    }

    @Override
    public long size(int c) {
        return 512L << c;
    }

    @Override
    public int classOf(long size) {
        if (size <= 512) {
            return 0;
        }
        return size <= 1024 ? 1 : size <= 2048 ? 2 : -1;
    }

    /** The arena that serves {@code size}: the first whose maximum is at least the size. */
    public static Arena arenaOf(long size) {
        int i = size <= 512 ? 0 : size <= 4 * KIB ? 64 - Long.numberOfLeadingZeros(size - 1) - 9
                : size <= 64 * KIB ? 4 : size <= 2 * MIB ? 5 : size <= 32 * MIB ? 6 : 7;
        return ARENAS.get(i);
    }

    /**
     * The alignment every block of {@code size} bytes has with no explicit alignment: its arena's granule (a slab's
     * slot size: slots sit at multiples of it in a reservation aligned to its size; an object arena's unit).
     */
    public static long alignmentFor(long size) {
        return arenaOf(size).granule();
    }

    /** The bytes a request of {@code size} occupies in its arena: the slab block, or the size rounded to the granule. */
    public static long footprint(long size) {
        Arena a = arenaOf(size);
        return a.strategy() == Strategy.SLAB ? a.granule() : (size + a.granule() - 1) / a.granule() * a.granule();
    }
}
