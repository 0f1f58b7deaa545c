package io.vakit.design.partitions;

import io.vakit.pal.VirtualMemory;
import java.util.Objects;

/**
 * The scale of a {@code partitions} allocator: seed 004's layout with its counts made parameters. Partition {@code k}
 * (0 to 7, one per row of the seed's table) holds {@code slices} slices; a slice, owned by one thread at a time,
 * holds {@code arenasPerSlice} arenas of {@code arena0 << k} bytes; an arena holds 64 parts. The eight partitions
 * follow each other in one reservation, each starting at the first multiple of its arena size after the one before
 * it: at the seed's scale that is {@code base + P0 * (2^k - 1)}, {@code P0} being partition 0's size, as the seed's
 * {@code 2^40 + (2^38 << k)} is for {@code P0 = 2^38}; a smaller scale may leave a gap before a partition, so that
 * every arena stays aligned to its size.
 *
 * @param slices slices per partition: the threads that may hold memory of one row at once (a power of two, 2 to
 *     1024)
 * @param arenasPerSlice arenas per slice (a power of two, 1 to 64; the seed: 64)
 * @param arena0 row 0's arena size (a power of two, 256 KiB to 4 MiB; the seed: 4 MiB, so 64 KiB parts)
 * @param fixedAddress where the reservation must be ({@code MAP_FIXED_NOREPLACE}), or 0 for anywhere
 * @param maxRequest the largest request (at most 8 GiB, the seed's area limit)
 * @param vm the virtual memory it reserves through
 */
public record PartitionsConfig(int slices, int arenasPerSlice, long arena0, long fixedAddress, long maxRequest,
        VirtualMemory vm) {
    /** Rows of the seed's table: partitions. */
    public static final int ROWS = 8;
    /** Parts per arena. */
    public static final int PARTS = 64;
    /** The seed's limit: no request above 8 GiB. */
    public static final long MAX_REQUEST = 8L << 30;
    /** The seed's fixed base: 2^40 + 2^38. */
    public static final long SEED_ADDRESS = (1L << 40) + (1L << 38);

    /** Validates. */
    public PartitionsConfig {
        Objects.requireNonNull(vm, "vm");
        if (Integer.bitCount(slices) != 1 || slices < 2 || slices > 1024) {
            throw new IllegalArgumentException("PartitionsConfig: slices " + slices + " is not a power of two in 2..1024");
        }
        if (Integer.bitCount(arenasPerSlice) != 1 || arenasPerSlice > 64) {
            throw new IllegalArgumentException("PartitionsConfig: arenasPerSlice " + arenasPerSlice
                    + " is not a power of two in 1..64");
        }
        if (Long.bitCount(arena0) != 1 || arena0 < 256 * 1024 || arena0 > 4L << 20) {
            throw new IllegalArgumentException("PartitionsConfig: arena0 " + arena0
                    + " is not a power of two in 256 KiB..4 MiB");
        }
        if (maxRequest < 1 || maxRequest > MAX_REQUEST) {
            throw new IllegalArgumentException("PartitionsConfig: maxRequest " + maxRequest + " is not in 1..8 GiB");
        }
        if (fixedAddress < 0 || fixedAddress % (arena0 << (ROWS - 1)) != 0) {
            throw new IllegalArgumentException("PartitionsConfig: fixedAddress 0x" + Long.toHexString(fixedAddress)
                    + " is not aligned to the largest arena");
        }
    }

    /**
     * The seed's layout itself: 1024 slices of 64 arenas of 4 MiB << k at 2^40 + 2^38 (64 TiB reserved). Opened only
     * where that range is free.
     */
    public static PartitionsConfig seedLayout() {
        return new PartitionsConfig(1024, 64, 4L << 20, SEED_ADDRESS, MAX_REQUEST, VirtualMemory.system());
    }

    /**
     * The default: the seed's arenas and parts (4 MiB << k, 64 KiB << k) in 16 slices per partition, anywhere (1020
     * GiB reserved): sixteen threads may hold memory of one row at once.
     */
    public static PartitionsConfig defaults() {
        return new PartitionsConfig(16, 64, 4L << 20, 0, MAX_REQUEST, VirtualMemory.system());
    }

    /**
     * The small configuration, for tests: 8 slices of one arena of 256 KiB << k (4 KiB << k parts), requests up to
     * the largest arena (32 MiB): a slice fills with one whole arena, and exhaustion comes after a few thousand
     * blocks.
     */
    public static PartitionsConfig small() {
        return new PartitionsConfig(8, 1, 256 * 1024, 0, 32L << 20, VirtualMemory.system());
    }

    /** The same scale on another virtual memory. */
    public PartitionsConfig withVm(VirtualMemory other) {
        return new PartitionsConfig(slices, arenasPerSlice, arena0, fixedAddress, maxRequest, other);
    }

    /** Row {@code k}'s arena size. */
    public long arenaBytes(int k) {
        return arena0 << k;
    }

    /** Row {@code k}'s part size: an arena's 64th. */
    public long partBytes(int k) {
        return arenaBytes(k) / PARTS;
    }

    /** A slice of partition {@code k}. */
    public long sliceBytes(int k) {
        return arenasPerSlice * arenaBytes(k);
    }

    /** Partition {@code k}'s size. */
    public long partitionBytes(int k) {
        return slices * sliceBytes(k);
    }

    /** Partition {@code k}'s offset from the base ({@code k = 8}: the reservation's size). */
    public long partitionOffset(int k) {
        long at = 0;
        for (int j = 0; j < k; j++) {
            at += partitionBytes(j);
            if (j + 1 < ROWS) {
                long align = arenaBytes(j + 1);
                at = (at + align - 1) & -align;
            }
        }
        return at;
    }

    /** The whole reservation. */
    public long reservationBytes() {
        return partitionOffset(ROWS);
    }

    /** The partition holding {@code offset} into the reservation, or -1 in a gap between partitions. */
    public int partitionOf(long offset) {
        for (int k = ROWS - 1; k >= 0; k--) {
            long start = partitionOffset(k);
            if (offset >= start) {
                return offset < start + partitionBytes(k) ? k : -1;
            }
        }
        return -1;
    }

    /** The largest request a part serves: row 5's part (2 MiB in the seed). Above it, whole arenas. */
    public long largestPart() {
        return partBytes(5);
    }

    /** The largest request an arena serves: row 7's arena (512 MiB in the seed). Above it, the high range. */
    public long largestArena() {
        return arenaBytes(ROWS - 1);
    }
}
