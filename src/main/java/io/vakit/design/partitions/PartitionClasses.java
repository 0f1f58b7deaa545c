package io.vakit.design.partitions;

import io.vakit.spi.SizeClassTable;

/**
 * Seed 004's 80 size classes: 8 to 128 in steps of 8 (16 classes), then 8 classes per doubling up to 32 KiB
 * ({@code (128, 256]} in steps of 16, {@code (256, 512]} in steps of 32, ..., {@code (16384, 32768]} in steps of
 * 2048). Each class belongs to a row of the seed's table, which gives its part and arena sizes. Larger requests
 * are routed to arena parts, several parts, or an area ({@link #route}).
 */
public final class PartitionClasses implements SizeClassTable {
    /** The number of classes. */
    public static final int COUNT = 80;
    /** The largest pool class. */
    public static final long MAX_POOL = 32 * 1024;
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    /** Where a request larger than a pool class goes. */
    public enum Route {
        /** A pool of the size class, up to 32 KiB. */
        POOL,
        /** One arena part of the size's power of two, up to 4 MiB. */
        ARENA_PART,
        /** Several consecutive parts of an arena, up to 256 MiB. */
        MULTI_PART,
        /** An area slot, up to 8 GiB. */
        AREA,
        /** Above 8 GiB: refused. */
        UNSUPPORTED
    }

    @Override
    public int count() {
        return COUNT;
    }

    @Override
    public long size(int c) {
        if (c < 16) {
            return 8L * (c + 1);
        }
        int g = (c - 16) / 8;
        long base = 128L << g;
        return base + (base >> 3) * ((c - 16) % 8 + 1);
    }

    @Override
    public int classOf(long size) {
        if (size <= 128) {
            return (int) Math.max(0, (size + 7) / 8 - 1);
        }
        if (size > MAX_POOL) {
            return -1;
        }
        int g = 64 - Long.numberOfLeadingZeros(size - 1) - 8;
        long base = 128L << g;
        long step = base >> 3;
        return 16 + 8 * g + (int) ((size - base + step - 1) / step) - 1;
    }

    /** The row of the seed's table class {@code c} belongs to (0 to 6). */
    public static int row(int c) {
        return c < 8 ? 0 : c < 16 ? 1 : Math.min(6, 2 + (c - 16) / 8);
    }

    /**
     * The alignment a pool block gets: the largest power of two dividing its class size ("if a pool's block size is
     * a power of two, it aligns to that specific size"); parts and areas are page aligned at least.
     */
    public long alignmentFor(long size) {
        int c = classOf(size);
        return c >= 0 ? Long.lowestOneBit(size(c)) : 4096;
    }

    /** Where a request of {@code size} bytes goes. */
    public static Route route(long size) {
        return size <= MAX_POOL ? Route.POOL : size <= 4 * MIB ? Route.ARENA_PART : size <= 256 * MIB
                ? Route.MULTI_PART : size <= 8L << 30 ? Route.AREA : Route.UNSUPPORTED;
    }
}
