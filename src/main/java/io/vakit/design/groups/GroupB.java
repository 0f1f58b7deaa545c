package io.vakit.design.groups;

import io.vakit.ds.Binmap;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Group B: blocks of 64 KiB up to the segment size. A segment serving bin {@code b} is one region of
 * {@code S >> (16 + b)} blocks of {@code 64 KiB << b}; a block is committed when handed out and decommitted when
 * freed. The segment's live count and block binmap live in the bookkeeping slot of its region 0. Each bin keeps one
 * empty segment. Not thread-safe: the allocator's lock guards it.
 */
final class GroupB {
    private static final int NIL = SegmentDirectory.NIL;
    private static final long BIN = 0;
    private static final long LIVE = 8;
    private static final long BLOCKS = 64; // bit = the block is live

    private final GroupsSpace space;
    private final SegmentDirectory dir;
    private final GroupsConfig config;
    private final Binmap[] blocks;
    private final int[] retained;
    private final boolean[] used;
    private int usedBins;
    private long committedBytes;

    GroupB(GroupsSpace space, SegmentDirectory dir) {
        this.space = space;
        this.dir = dir;
        this.config = space.config;
        this.blocks = new Binmap[config.segments()];
        this.retained = new int[config.bBins()];
        this.used = new boolean[config.bBins()];
        java.util.Arrays.fill(retained, NIL);
    }

    static int blockShift(int bin) {
        return GroupsConfig.CHUNK_SHIFT + bin;
    }

    private static int list(int bin) {
        return 1 + bin;
    }

    private int slotOf(int s) {
        return s * GroupsConfig.REGIONS;
    }

    /** A block of bin {@code bin}: its offset in the main reservation. */
    long allocate(int bin, String op) {
        int s = dir.head(list(bin));
        boolean fresh = s == NIL;
        if (fresh) {
            s = acquireSegment(bin, op);
        }
        Binmap map = blocks[s];
        long k = map.findFree();
        long offset = ((long) s << config.segmentShift()) + (k << blockShift(bin));
        try {
            space.commitMain(offset, 1L << blockShift(bin), op);
        } catch (RuntimeException e) {
            if (fresh) {
                releaseSegment(bin, s);
            }
            throw e;
        }
        committedBytes += 1L << blockShift(bin);
        map.set(k);
        MemorySegment h = space.slot(slotOf(s));
        int live = h.get(ValueLayout.JAVA_INT, LIVE);
        h.set(ValueLayout.JAVA_INT, LIVE, live + 1);
        if (live == 0 && retained[bin] == s) {
            retained[bin] = NIL;
        }
        if (map.count() == map.capacity()) {
            dir.remove(list(bin), s);
        }
        return offset;
    }

    private int acquireSegment(int bin, String op) {
        int s = dir.take(2 + bin);
        if (s < 0) {
            throw space.exhausted(op, "every one of the " + config.segments() + " segments is in use", null);
        }
        MemorySegment h;
        try {
            h = space.commitSlot(slotOf(s), op);
        } catch (RuntimeException e) {
            dir.give(s);
            throw e;
        }
        h.set(ValueLayout.JAVA_SHORT, BIN, (short) bin);
        h.set(ValueLayout.JAVA_INT, LIVE, 0);
        long count = config.segmentBytes() >> blockShift(bin);
        blocks[s] = Binmap.over(h.asSlice(BLOCKS, GroupsConfig.SLOT - BLOCKS), count, Binmap.WordSize.W32);
        for (int r = 0; r < GroupsConfig.REGIONS; r++) {
            dir.regions(s).set(r); // the whole segment is one region
        }
        dir.setCount(s, 1);
        dir.push(list(bin), s);
        if (!used[bin]) {
            used[bin] = true;
            usedBins++;
        }
        return s;
    }

    /** Frees live block {@code k} of segment {@code s}. */
    void free(int s, long k) {
        int bin = bin(s);
        Binmap map = blocks[s];
        boolean wasFull = map.count() == map.capacity();
        space.decommitMain(((long) s << config.segmentShift()) + (k << blockShift(bin)), 1L << blockShift(bin));
        committedBytes -= 1L << blockShift(bin);
        map.clear(k);
        if (wasFull) {
            dir.push(list(bin), s);
        }
        MemorySegment h = space.slot(slotOf(s));
        int live = h.get(ValueLayout.JAVA_INT, LIVE) - 1;
        h.set(ValueLayout.JAVA_INT, LIVE, live);
        if (live == 0) {
            if (retained[bin] == NIL) {
                retained[bin] = s;
            } else if (retained[bin] != s) {
                releaseSegment(bin, s);
            }
        }
    }

    private void releaseSegment(int bin, int s) {
        dir.remove(list(bin), s);
        if (retained[bin] == s) {
            retained[bin] = NIL;
        }
        blocks[s] = null;
        space.decommitSlot(slotOf(s));
        dir.give(s);
    }

    int bin(int s) {
        return dir.owner(s) - 2;
    }

    boolean blockLive(int s, long k) {
        return blocks[s].get(k);
    }

    long committedBytes() {
        return committedBytes;
    }

    /** How many bins have had a segment since the allocator opened. */
    int usedBins() {
        return usedBins;
    }

    /** The empty segment bin {@code bin} keeps, or -1. */
    int retained(int bin) {
        return retained[bin] == NIL ? -1 : retained[bin];
    }
}
