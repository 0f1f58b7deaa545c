package io.vakit.design.groups;

import io.vakit.ds.Binmap;
import io.vakit.ds.IndexList;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Group A: items of 16 B to 32 KiB. A region ({@code S / 32} bytes) serves one bin; its chunks (64 KiB) are
 * committed when first needed and, beyond one spare per region, decommitted when they empty; each bin keeps one empty
 * region. The region's header, its two chunk binmaps and its chunk records live in its 32 KiB bookkeeping slot; each
 * committed chunk's item binmap is an FSA item. The Java {@link Binmap} objects are handles kept in arrays indexed
 * like the bookkeeping; the bits live off heap. Not thread-safe: the allocator's lock guards it.
 */
final class GroupA {
    static final int BINS = GroupClasses.GROUP_A;
    private static final int NIL = SegmentDirectory.NIL;
    // region header, in the bookkeeping slot
    private static final long BIN = 0;
    private static final long PREV = 2;
    private static final long NEXT = 4;
    private static final long ON_LIST = 6;
    private static final long LIVE = 8;
    private static final long SPARE = 12;
    private static final long AVAILABLE = 64; // bit = the chunk cannot serve (full, or decommitted)
    private static final long COMMITTED = 256; // bit = the chunk is committed
    private static final long RECORDS = 1024; // 32 B per chunk: u16 live items, u64 item-binmap address at 8
    private static final long RECORD = 32;

    private final GroupsSpace space;
    private final SegmentDirectory dir;
    private final GroupsConfig config;
    private final int chunks;
    private final Binmap[] available;
    private final Binmap[] committed;
    private final Binmap[][] items;
    /** Per bin, its regions with a free item: U16 lists through the regions' headers (PREV, NEXT). */
    private final IndexList[] binLists = new IndexList[BINS];
    private final int[] retained = new int[BINS];
    private final boolean[] used = new boolean[BINS];
    private int usedBins;
    private long committedChunks;

    GroupA(GroupsSpace space, SegmentDirectory dir) {
        this.space = space;
        this.dir = dir;
        this.config = space.config;
        this.chunks = config.chunksPerRegion();
        int regions = config.segments() * GroupsConfig.REGIONS;
        this.available = new Binmap[regions];
        this.committed = new Binmap[regions];
        this.items = new Binmap[regions][];
        MemorySegment heads = MemorySegment.ofArray(new int[BINS]);
        long headers = space.slot(0).address();
        for (int bin = 0; bin < BINS; bin++) {
            binLists[bin] = new IndexList(IndexList.Width.U16, headers, GroupsConfig.SLOT, NEXT, PREV,
                    heads.asSlice(4L * bin, 4));
            binLists[bin].clear();
        }
        java.util.Arrays.fill(retained, NIL);
    }

    static long itemBytes(int bin) {
        return 16L << bin;
    }

    private int perChunk(int bin) {
        return (int) (GroupClasses.CHUNK / itemBytes(bin));
    }

    /** The main-reservation offset of chunk {@code k} of region {@code g}. */
    long chunkOffset(int g, int k) {
        return ((long) g << config.regionShift()) + ((long) k << GroupsConfig.CHUNK_SHIFT);
    }

    // ------------------------------------------------------------------ allocate

    /** An item of bin {@code bin}: its offset in the main reservation. */
    long allocate(int bin, String op) {
        long first = binLists[bin].first();
        int g = first == IndexList.NONE ? NIL : (int) first;
        boolean fresh = g == NIL;
        if (fresh) {
            g = acquireRegion(bin, op);
        }
        try {
            return take(g, bin, op);
        } catch (RuntimeException e) {
            if (fresh) {
                releaseRegion(g);
            }
            throw e;
        }
    }

    private long take(int g, int bin, String op) {
        MemorySegment h = space.slot(g);
        int k = (int) available[g].findFree();
        if (k < 0) {
            k = (int) committed[g].findFree(); // a decommitted chunk: the region is on its list, so one exists
            commitChunk(g, bin, k, op);
        }
        Binmap map = items[g][k];
        long item = map.findAndSet();
        long record = RECORDS + k * RECORD;
        h.set(ValueLayout.JAVA_SHORT, record, (short) (u16(h, record) + 1));
        if (map.count() == map.capacity()) {
            available[g].set(k);
        }
        if (u16(h, SPARE) == k) {
            h.set(ValueLayout.JAVA_SHORT, SPARE, (short) NIL);
        }
        int live = h.get(ValueLayout.JAVA_INT, LIVE);
        h.set(ValueLayout.JAVA_INT, LIVE, live + 1);
        if (live == 0 && retained[bin] == g) {
            retained[bin] = NIL;
        }
        if (available[g].findFree() < 0 && committed[g].findFree() < 0) {
            unlink(bin, g);
        }
        return chunkOffset(g, k) + item * itemBytes(bin);
    }

    private void commitChunk(int g, int bin, int k, String op) {
        space.commitMain(chunkOffset(g, k), GroupClasses.CHUNK, op);
        MemorySegment bits;
        try {
            bits = space.metadata((int) Binmap.bytesFor(perChunk(bin), Binmap.WordSize.W32), op);
        } catch (RuntimeException e) {
            space.decommitMain(chunkOffset(g, k), GroupClasses.CHUNK);
            throw e;
        }
        items[g][k] = Binmap.over(bits, perChunk(bin), Binmap.WordSize.W32);
        space.slot(g).set(ValueLayout.JAVA_LONG, RECORDS + k * RECORD + 8, bits.address());
        committed[g].set(k);
        available[g].clear(k);
        committedChunks++;
    }

    private void decommitChunk(int g, int k) {
        MemorySegment h = space.slot(g);
        long record = RECORDS + k * RECORD;
        space.fsa.free(h.get(ValueLayout.JAVA_LONG, record + 8));
        h.set(ValueLayout.JAVA_LONG, record + 8, 0L);
        items[g][k] = null;
        space.decommitMain(chunkOffset(g, k), GroupClasses.CHUNK);
        committed[g].clear(k);
        available[g].set(k);
        committedChunks--;
    }

    private int acquireRegion(int bin, String op) {
        int s = dir.head(0);
        boolean newSegment = s == NIL;
        if (newSegment) {
            s = dir.take(SegmentDirectory.GROUP_A);
            if (s < 0) {
                throw space.exhausted(op, "every one of the " + config.segments() + " segments is in use", null);
            }
        }
        int r = (int) dir.regions(s).findFree();
        int g = s * GroupsConfig.REGIONS + r;
        MemorySegment h;
        try {
            h = space.commitSlot(g, op);
        } catch (RuntimeException e) {
            if (newSegment) {
                dir.give(s);
            }
            throw e;
        }
        dir.regions(s).set(r);
        dir.setCount(s, dir.count(s) + 1);
        if (newSegment) {
            dir.push(0, s);
        }
        if (dir.count(s) == GroupsConfig.REGIONS) {
            dir.remove(0, s);
        }
        h.set(ValueLayout.JAVA_SHORT, BIN, (short) bin);
        h.set(ValueLayout.JAVA_INT, LIVE, 0);
        h.set(ValueLayout.JAVA_SHORT, SPARE, (short) NIL);
        available[g] = Binmap.over(h.asSlice(AVAILABLE, COMMITTED - AVAILABLE), chunks, Binmap.WordSize.W32);
        for (int k = 0; k < chunks; k++) {
            available[g].set(k);
        }
        committed[g] = Binmap.over(h.asSlice(COMMITTED, RECORDS - COMMITTED), chunks, Binmap.WordSize.W32);
        items[g] = new Binmap[chunks];
        link(bin, g);
        if (!used[bin]) {
            used[bin] = true;
            usedBins++;
        }
        return g;
    }

    // ------------------------------------------------------------------ free

    /** Frees the live item at {@code index} of chunk {@code k} of region {@code g}. */
    void free(int g, int k, long index) {
        MemorySegment h = space.slot(g);
        int bin = u16(h, BIN);
        items[g][k].clear(index);
        long record = RECORDS + k * RECORD;
        int chunkLive = u16(h, record) - 1;
        h.set(ValueLayout.JAVA_SHORT, record, (short) chunkLive);
        available[g].clear(k);
        if (u16(h, ON_LIST) == 0) {
            link(bin, g);
        }
        if (chunkLive == 0) {
            if (u16(h, SPARE) == NIL) {
                h.set(ValueLayout.JAVA_SHORT, SPARE, (short) k);
            } else {
                decommitChunk(g, k);
            }
        }
        int live = h.get(ValueLayout.JAVA_INT, LIVE) - 1;
        h.set(ValueLayout.JAVA_INT, LIVE, live);
        if (live == 0) {
            if (retained[bin] == NIL) {
                retained[bin] = g;
            } else if (retained[bin] != g) {
                releaseRegion(g);
            }
        }
    }

    private void releaseRegion(int g) {
        MemorySegment h = space.slot(g);
        int bin = u16(h, BIN);
        int spare = u16(h, SPARE); // an empty region's only committed chunk (invariant 3)
        if (spare != NIL) {
            decommitChunk(g, spare);
        }
        if (u16(h, ON_LIST) != 0) {
            unlink(bin, g);
        }
        if (retained[bin] == g) {
            retained[bin] = NIL;
        }
        available[g] = null;
        committed[g] = null;
        items[g] = null;
        space.decommitSlot(g);
        int s = g / GroupsConfig.REGIONS;
        int n = dir.count(s);
        dir.regions(s).clear(g % GroupsConfig.REGIONS);
        dir.setCount(s, n - 1);
        if (n == GroupsConfig.REGIONS) {
            dir.push(0, s);
        }
        if (n == 1) {
            dir.remove(0, s);
            dir.give(s);
        }
    }

    // ------------------------------------------------------------------ bin lists (IndexList through the headers)

    private void link(int bin, int g) {
        space.slot(g).set(ValueLayout.JAVA_SHORT, ON_LIST, (short) 1);
        binLists[bin].pushFront(g);
    }

    /** The regions on bin {@code bin}'s list, in order (for checks). */
    long[] members(int bin) {
        return binLists[bin].toArray();
    }

    private void unlink(int bin, int g) {
        binLists[bin].remove(g);
        space.slot(g).set(ValueLayout.JAVA_SHORT, ON_LIST, (short) 0);
    }

    // ------------------------------------------------------------------ lookup

    /** True when region {@code g} is in use (its bookkeeping committed). */
    boolean inUse(int g) {
        return available[g] != null;
    }

    int bin(int g) {
        return u16(space.slot(g), BIN);
    }

    boolean chunkCommitted(int g, int k) {
        return committed[g].get(k);
    }

    boolean itemLive(int g, int k, long index) {
        return items[g][k].get(index);
    }

    int chunks() {
        return chunks;
    }

    long committedCount(int g) {
        return committed[g].count();
    }

    long committedChunks() {
        return committedChunks;
    }

    /** The live items of region {@code g} (from its header). */
    int liveItems(int g) {
        return space.slot(g).get(ValueLayout.JAVA_INT, LIVE);
    }

    /** How many bins have had a region since the allocator opened. */
    int usedBins() {
        return usedBins;
    }

    /** The spare chunk of region {@code g}, or -1. */
    int spare(int g) {
        int k = u16(space.slot(g), SPARE);
        return k == NIL ? -1 : k;
    }

    /** The empty region bin {@code bin} keeps, or -1. */
    int retained(int bin) {
        return retained[bin] == NIL ? -1 : retained[bin];
    }

    private static int u16(MemorySegment h, long offset) {
        return Short.toUnsignedInt(h.get(ValueLayout.JAVA_SHORT, offset));
    }
}
