package io.vakit.design.chunks;

import io.vakit.pal.VirtualMemory;
import java.util.Objects;

/**
 * The scale of a {@code chunks} allocator: {@code segments} segments of {@code regionsPerSegment} regions of
 * {@code blocksPerRegion} blocks of 1 MiB (each of 256 chunks of 4 KiB). The seed: one segment of 256 regions of 256
 * blocks, 64 GiB. Smaller counts keep every path and all the arithmetic; only the shifts change.
 *
 * @param segments 1 to 256
 * @param regionsPerSegment a power of two, 1 to 256 (region links are u8)
 * @param blocksPerRegion a power of two, 2 to 256 (a segment's blocks, at most 65536, are named by u16 links)
 * @param maxRequest the largest request: above a region, a block gets a mapping of its own, up to this
 * @param vm where address space comes from (a fault plan may be behind it)
 */
public record ChunksConfig(int segments, int regionsPerSegment, int blocksPerRegion, long maxRequest,
        VirtualMemory vm) {
    /** The largest request of the default configuration: 1 TiB. */
    public static final long MAX_REQUEST = 1L << 40;

    /** Validates. */
    public ChunksConfig {
        Objects.requireNonNull(vm, "vm");
        if (segments < 1 || segments > 256) {
            throw new IllegalArgumentException("ChunksConfig: segments " + segments + " is not in 1..256");
        }
        if (Integer.bitCount(regionsPerSegment) != 1 || regionsPerSegment > 256) {
            throw new IllegalArgumentException("ChunksConfig: regionsPerSegment " + regionsPerSegment
                    + " is not a power of two in 1..256");
        }
        if (Integer.bitCount(blocksPerRegion) != 1 || blocksPerRegion < 2 || blocksPerRegion > 256) {
            throw new IllegalArgumentException("ChunksConfig: blocksPerRegion " + blocksPerRegion
                    + " is not a power of two in 2..256");
        }
        if (maxRequest < 1 || maxRequest > MAX_REQUEST) {
            throw new IllegalArgumentException("ChunksConfig: maxRequest " + maxRequest + " is not in 1..2^40");
        }
    }

    /** The seed's scale: one 64 GiB segment of 256 regions of 256 MiB; requests up to 1 TiB. */
    public static ChunksConfig defaults() {
        return new ChunksConfig(1, 256, 256, MAX_REQUEST, VirtualMemory.system());
    }

    /**
     * The small configuration: two 16 MiB segments of 2 regions of 8 blocks, requests up to a region (8 MiB), so a
     * test exhausts it with a handful of blocks and crosses from one segment to the next on the same code path.
     */
    public static ChunksConfig small() {
        return new ChunksConfig(2, 2, 8, 8L << 20, VirtualMemory.system());
    }

    /** The same scale on another virtual memory. */
    public ChunksConfig withVm(VirtualMemory other) {
        return new ChunksConfig(segments, regionsPerSegment, blocksPerRegion, maxRequest, other);
    }

    /** log2 of the region size. */
    public int regionShift() {
        return 20 + Integer.numberOfTrailingZeros(blocksPerRegion);
    }

    /** log2 of the segment size. */
    public int segmentShift() {
        return regionShift() + Integer.numberOfTrailingZeros(regionsPerSegment);
    }

    /** The region size. */
    public long regionBytes() {
        return 1L << regionShift();
    }

    /** The segment size. */
    public long segmentBytes() {
        return 1L << segmentShift();
    }

    /** Blocks per segment: at most 65536. */
    public int blocksPerSegment() {
        return regionsPerSegment * blocksPerRegion;
    }

    /** The address space of all segments. */
    public long reservationBytes() {
        return segments * segmentBytes();
    }
}
