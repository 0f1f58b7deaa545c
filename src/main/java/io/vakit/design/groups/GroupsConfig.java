package io.vakit.design.groups;

import io.vakit.pal.VirtualMemory;
import java.util.Objects;

/**
 * The parameters of the {@code groups} design: {@code segments} segments of {@code 2^segmentShift} bytes (the seed:
 * 256 of 1 GiB), each of 32 Group A regions of 64 KiB chunks, or one Group B region of blocks.
 *
 * @param segmentShift log2 of the segment size, 21 (2 MiB: one-chunk regions) to 30 (the seed's 1 GiB)
 * @param segments the number of segments, 1 to 2047 (a region index must fit the u16 links)
 * @param vm the virtual memory every reservation comes from (a fault-injection seam in tests)
 */
public record GroupsConfig(int segmentShift, int segments, VirtualMemory vm) {
    /** Regions per Group A segment. */
    public static final int REGIONS = 32;
    /** log2 of the Group A chunk size. */
    public static final int CHUNK_SHIFT = 16;
    /** The most chunks a Group A region has. */
    public static final int MAX_CHUNKS = 512;
    /** The bookkeeping of one region. */
    public static final long SLOT = 32 * 1024;

    /** Validates the parameters. */
    public GroupsConfig {
        Objects.requireNonNull(vm, "vm");
        if (segmentShift < 21 || segmentShift > 30) {
            throw new IllegalArgumentException("GroupsConfig: segmentShift " + segmentShift + " is not in 21..30");
        }
        if (segments < 1 || segments > 2047) {
            throw new IllegalArgumentException("GroupsConfig: segments " + segments + " is not in 1..2047");
        }
    }

    /** The seed's layout: 256 segments of 1 GiB (256 GiB of address space). */
    public static GroupsConfig seed() {
        return new GroupsConfig(30, 256, VirtualMemory.system());
    }

    /** A small layout with the same arithmetic, for tests: {@code segments} segments of {@code 2^segmentShift}. */
    public static GroupsConfig small(int segmentShift, int segments) {
        return new GroupsConfig(segmentShift, segments, VirtualMemory.system());
    }

    /** The same layout on another virtual memory. */
    public GroupsConfig withVm(VirtualMemory other) {
        return new GroupsConfig(segmentShift, segments, other);
    }

    /** The segment size. */
    public long segmentBytes() {
        return 1L << segmentShift;
    }

    /** log2 of the Group A region size: 32 regions per segment. */
    public int regionShift() {
        return segmentShift - 5;
    }

    /** The Group A region size. */
    public long regionBytes() {
        return 1L << regionShift();
    }

    /** Chunks per Group A region: {@code min(512, region / 64 KiB)}. */
    public int chunksPerRegion() {
        return (int) Math.min(MAX_CHUNKS, regionBytes() >> CHUNK_SHIFT);
    }

    /** Group B bins: block sizes 64 KiB up to the segment size. */
    public int bBins() {
        return segmentShift - CHUNK_SHIFT + 1;
    }

    /** The size-class table: Group A's 12 classes, then Group B's. */
    public GroupClasses classes() {
        return new GroupClasses(GroupClasses.GROUP_A + bBins());
    }

    /** The main reservation: every segment. */
    public long reservationBytes() {
        return (long) segments << segmentShift;
    }

    /** The bookkeeping reservation: 32 KiB per region slot. */
    public long bookkeepingBytes() {
        return (long) segments * REGIONS * SLOT;
    }
}
