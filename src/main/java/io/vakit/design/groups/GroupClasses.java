package io.vakit.design.groups;

import io.vakit.design.PowerOfTwoClasses;

/**
 * Seed 001's size classes. Group A: 12 powers of two from 16 B to 32 KiB, in 64 KiB chunks (4096 down to 2 items)
 * of 32 MiB regions (512 chunks). Group B: 15 powers of two from 64 KiB to 1 GiB, in 1 GiB regions (16384 down to
 * 1 block). Above 1 GiB, Group C: {@link #classOf} returns -1 and the request gets its own reservation.
 */
public final class GroupClasses extends PowerOfTwoClasses {
    /** Group A's chunk size. */
    public static final long CHUNK = 64 * 1024;
    /** Group A's region size. */
    public static final long REGION_A = 32L << 20;
    /** Group B's region size, and the segment size. */
    public static final long REGION_B = 1L << 30;
    /** Classes in Group A. */
    public static final int GROUP_A = 12;
    /** Classes in Groups A and B. */
    public static final int COUNT = 27;

    /** The seed's table: 27 classes, up to 1 GiB. */
    public GroupClasses() {
        this(COUNT);
    }

    /** The first {@code count} classes: a smaller segment size ends Group B earlier. */
    public GroupClasses(int count) {
        super(4, count);
        if (count <= GROUP_A || count > COUNT) {
            throw new IllegalArgumentException("GroupClasses(" + count + "): between " + (GROUP_A + 1) + " and "
                    + COUNT + " classes");
        }
    }

    /** The alignment a block gets: its class size (items sit at multiples of it); Group C is page aligned. */
    public long alignmentFor(long size) {
        int c = classOf(size);
        return c < 0 ? 4096 : size(c);
    }

    /** True for Group A classes. */
    public static boolean groupA(int c) {
        return c < GROUP_A;
    }

    /** Items per 64 KiB chunk (Group A) or blocks per 1 GiB region (Group B). */
    public long perContainer(int c) {
        return groupA(c) ? CHUNK / size(c) : REGION_B / size(c);
    }
}
