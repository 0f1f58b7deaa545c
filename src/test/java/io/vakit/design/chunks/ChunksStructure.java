package io.vakit.design.chunks;

import io.vakit.ds.Binmap;
import io.vakit.ds.IndexList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The invariants of spec/chunks.md#invariants, read from the records themselves: every binmap agrees with the
 * records and counts it summarizes, every list holds exactly the regions, blocks and chunks with room, every run's
 * head and body agree, every spare is an empty chunk of its class. Throws {@link AssertionError} naming the first
 * break.
 */
final class ChunksStructure {
    private ChunksStructure() {}

    static void verify(ChunksAllocator a) {
        a.inspect(space -> {
            check(space);
            return null;
        });
    }

    private static void fail(String message) {
        throw new AssertionError("chunks structure: " + message);
    }

    private static Set<Long> members(IndexList l, String name, long capacity) {
        long[] nodes = l.toArray();
        Set<Long> out = new HashSet<>();
        for (long n : nodes) {
            if (n < 0 || n >= capacity || !out.add(n)) {
                fail(name + " holds " + Arrays.toString(nodes));
            }
        }
        return out;
    }

    static void check(ChunksSpace space) {
        ChunksConfig cfg = space.config;
        ChunkClasses classes = new ChunkClasses();
        int bpr = cfg.blocksPerRegion();
        for (int s = 0; s < cfg.segments(); s++) {
            Set<Long>[] regionLists = new Set[4];
            for (int t = RegionRecords.ITEMS; t <= RegionRecords.BLOCK_RUNS; t++) {
                regionLists[t] = members(space.regionList(s, t), "region list " + t, cfg.regionsPerSegment());
            }
            Set<Long>[] itemLists = new Set[ChunkClasses.ITEM_CLASSES];
            for (int c = 0; c < ChunkClasses.ITEM_CLASSES; c++) {
                itemLists[c] = members(space.itemBlocks(s, c), "item blocks of class " + c, cfg.blocksPerSegment());
            }
            Set<Long> runList = members(space.runBlocks(s), "chunk-run blocks", cfg.blocksPerSegment());
            for (int r = 0; r < cfg.regionsPerSegment(); r++) {
                int type = space.regions.type(s, r);
                if (space.regionBinmap(s).get(r) != (type != RegionRecords.FREE)) {
                    fail("segment " + s + " region " + r + ": binmap bit and type " + type + " disagree");
                }
                for (int t = RegionRecords.ITEMS; t <= RegionRecords.BLOCK_RUNS; t++) {
                    boolean listed = regionLists[t].contains((long) r);
                    boolean room = type == t && space.regions.count(s, r) < bpr;
                    if (listed != room) {
                        fail("region " + r + " (type " + type + ", " + space.regions.count(s, r) + " blocks) is "
                                + (listed ? "" : "not ") + "in list " + t);
                    }
                }
                if (type == RegionRecords.FREE) {
                    continue;
                }
                Binmap bm = space.blockBinmap(s, r);
                if (bm.count() != space.regions.count(s, r)) {
                    fail("region " + r + ": count " + space.regions.count(s, r) + ", binmap " + bm.count());
                }
                long lowest = bm.findFree();
                if (space.regions.freeIndex(s, r) != (lowest < 0 ? bpr : lowest)) {
                    fail("region " + r + ": free index " + space.regions.freeIndex(s, r) + ", lowest free " + lowest);
                }
                for (int k = 0; k < bpr; k++) {
                    int b = r * bpr + k;
                    int state = space.blocks.state(s, b);
                    if (!bm.get(k)) {
                        if (state != BlockRecords.FREE) {
                            fail("block " + b + " is free in its region but in state " + state);
                        }
                        continue;
                    }
                    switch (type) {
                        case RegionRecords.ITEMS -> itemBlock(space, classes, s, b, itemLists, runList);
                        case RegionRecords.CHUNK_RUNS -> runBlock(space, s, b, itemLists, runList);
                        default -> blockRun(space, s, r, k, state);
                    }
                }
            }
        }
        for (int c = 0; c < ChunkClasses.ITEM_CLASSES; c++) {
            long id = space.spare(c);
            if (id == ChunksSpace.NO_SPARE) {
                continue;
            }
            int s = (int) (id >>> 24);
            int b = (int) (id >>> 8) & 0xFFFF;
            int k = (int) id & 255;
            ChunkTable t = space.table(s, b);
            if (t.state(k) != ChunkTable.ITEMS || t.u8(k, ChunkTable.CLASS) != c || t.u16(k, ChunkTable.COUNT) != 0) {
                fail("the spare of class " + c + " (block " + b + " chunk " + k + ") is not an empty chunk of it");
            }
        }
    }

    private static void itemBlock(ChunksSpace space, ChunkClasses classes, int s, int b, Set<Long>[] itemLists,
            Set<Long> runList) {
        if (space.blocks.state(s, b) != BlockRecords.ITEMS) {
            fail("block " + b + " of an item region is in state " + space.blocks.state(s, b));
        }
        int c = space.blocks.u8(s, b, BlockRecords.CLASS);
        ChunkTable t = space.table(s, b);
        Binmap chunks = t.chunks();
        blockCounts(space, s, b, chunks);
        Set<Long> active = members(t.active(), "active chunks of block " + b, 256);
        int cap = ItemChunks.capacity(classes, c);
        for (int k = 0; k < 256; k++) {
            boolean used = chunks.get(k);
            if (used != (t.state(k) == ChunkTable.ITEMS)) {
                fail("block " + b + " chunk " + k + ": binmap bit and state " + t.state(k) + " disagree");
            }
            if (!used) {
                if (active.contains((long) k)) {
                    fail("block " + b + ": free chunk " + k + " is active");
                }
                continue;
            }
            if (t.u8(k, ChunkTable.CLASS) != c) {
                fail("block " + b + " chunk " + k + " is of class " + t.u8(k, ChunkTable.CLASS) + ", its block " + c);
            }
            Binmap items = Binmap.attach(java.lang.foreign.MemorySegment.ofAddress(space.address(t.binmap(k)))
                    .reinterpret(Binmap.bytesFor(cap, Binmap.WordSize.W64)), cap, Binmap.WordSize.W64);
            int count = t.u16(k, ChunkTable.COUNT);
            if (items.count() != count) {
                fail("block " + b + " chunk " + k + ": count " + count + ", element binmap " + items.count());
            }
            long lowest = items.findFree();
            if (t.u16(k, ChunkTable.FREE_INDEX) != (lowest < 0 ? cap : lowest)) {
                fail("block " + b + " chunk " + k + ": free index " + t.u16(k, ChunkTable.FREE_INDEX) + ", lowest "
                        + lowest);
            }
            if (active.contains((long) k) != (count < cap)) {
                fail("block " + b + " chunk " + k + " (" + count + " of " + cap + ") is " + (count < cap ? "not " : "")
                        + "active");
            }
        }
        boolean room = !active.isEmpty() || space.blocks.u16(s, b, BlockRecords.COUNT) < 256;
        for (int x = 0; x < itemLists.length; x++) {
            if (itemLists[x].contains((long) b) != (x == c && room)) {
                fail("block " + b + " of class " + c + " (room " + room + ") and the list of class " + x);
            }
        }
        if (runList.contains((long) b)) {
            fail("item block " + b + " is in the chunk-run list");
        }
    }

    private static void blockCounts(ChunksSpace space, int s, int b, Binmap chunks) {
        if (chunks.count() != space.blocks.u16(s, b, BlockRecords.COUNT)) {
            fail("block " + b + ": count " + space.blocks.u16(s, b, BlockRecords.COUNT) + ", chunk binmap "
                    + chunks.count());
        }
        long lowest = chunks.findFree();
        if (space.blocks.u16(s, b, BlockRecords.FREE_INDEX) != (lowest < 0 ? 256 : lowest)) {
            fail("block " + b + ": free index " + space.blocks.u16(s, b, BlockRecords.FREE_INDEX) + ", lowest "
                    + lowest);
        }
    }

    private static void runBlock(ChunksSpace space, int s, int b, Set<Long>[] itemLists, Set<Long> runList) {
        if (space.blocks.state(s, b) != BlockRecords.CHUNK_RUNS) {
            fail("block " + b + " of a chunk-run region is in state " + space.blocks.state(s, b));
        }
        ChunkTable t = space.table(s, b);
        Binmap chunks = t.chunks();
        blockCounts(space, s, b, chunks);
        for (int k = 0; k < 256; ) {
            int state = t.state(k);
            if (state == ChunkTable.FREE) {
                if (chunks.get(k)) {
                    fail("block " + b + ": free chunk " + k + " is set in the binmap");
                }
                k++;
                continue;
            }
            int n = t.u16(k, ChunkTable.COUNT);
            if (state != ChunkTable.RUN_HEAD || n < 1 || k + n > 256) {
                fail("block " + b + " chunk " + k + ": state " + state + " where a run must start");
            }
            for (int j = k; j < k + n; j++) {
                if (!chunks.get(j) || j > k && (t.state(j) != ChunkTable.RUN_BODY || t.u16(j, ChunkTable.COUNT) != k)) {
                    fail("block " + b + ": chunk " + j + " of the run at " + k + " disagrees");
                }
            }
            k += n;
        }
        if (runList.contains((long) b) != (space.blocks.u16(s, b, BlockRecords.COUNT) < 256)) {
            fail("chunk-run block " + b + " and the chunk-run list");
        }
        for (Set<Long> l : itemLists) {
            if (l.contains((long) b)) {
                fail("chunk-run block " + b + " is in an item list");
            }
        }
    }

    private static void blockRun(ChunksSpace space, int s, int r, int k, int state) {
        int bpr = space.config.blocksPerRegion();
        int b = r * bpr + k;
        if (state == BlockRecords.RUN_HEAD) {
            int n = space.blocks.word(s, b);
            if (n < 1 || k + n > bpr) {
                fail("block run at " + b + " of " + n + " blocks does not fit its region");
            }
        } else if (state != BlockRecords.RUN_BODY || space.blocks.state(s, r * bpr + space.blocks.word(s, b))
                != BlockRecords.RUN_HEAD || space.blocks.word(s, b) >= k) {
            fail("block " + b + " of a block-run region: state " + state + ", head " + space.blocks.word(s, b));
        }
    }
}
