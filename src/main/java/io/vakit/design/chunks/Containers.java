package io.vakit.design.chunks;

import io.vakit.ds.Binmap;
import io.vakit.ds.IndexList;

/**
 * Regions and blocks taken and given back. A region is taken for one type (ITEMS, CHUNK_RUNS, BLOCK_RUNS) from its
 * segment's region binmap, with a block binmap in the FSA, and joins its segment's list of regions of that type with
 * a free block; it leaves the list when full and comes back on its first freed block; when its last block is given
 * back it is FREE again and its binmap goes back to the FSA. A block of ITEMS or CHUNK_RUNS is taken from such a
 * region with a chunk table in the FSA. Not thread-safe: the allocator's lock guards it.
 */
final class Containers {
    private final ChunksSpace space;
    private final ChunksConfig config;

    Containers(ChunksSpace space) {
        this.space = space;
        this.config = space.config;
    }

    /** A segment and a block number in it ({@code region * blocksPerRegion + block}). */
    record BlockId(int segment, int block) {}

    /** A segment and a region in it. */
    record RegionId(int segment, int region) {}

    private boolean anyFreeRegion() {
        for (int s = 0; s < config.segments(); s++) {
            if (space.regionBinmap(s).findFree() >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Takes a FREE region for {@code type}: it joins its type's list. */
    RegionId takeRegion(int type, String op) {
        for (int s = 0; s < config.segments(); s++) {
            long r = space.regionBinmap(s).findFree();
            if (r < 0) {
                continue;
            }
            int handle = space.metaAllocate(space.blockBinmapBytes(), op, "a region's block binmap");
            int region = (int) r;
            space.regionBinmap(s).set(region);
            space.regions.setType(s, region, type);
            space.regions.setCount(s, region, 0);
            space.regions.setFreeIndex(s, region, 0);
            space.regions.setBinmap(s, region, handle);
            Binmap.over(java.lang.foreign.MemorySegment.ofAddress(space.address(handle))
                    .reinterpret(space.blockBinmapBytes()), config.blocksPerRegion(), Binmap.WordSize.W64);
            space.regionList(s, type).pushFront(region);
            return new RegionId(s, region);
        }
        throw space.exhausted(op, "every region of the " + config.segments() + " segment(s) is taken", null);
    }

    /** Marks {@code n} blocks from {@code first} of a region in use: it leaves its list when full. */
    void claimBlocks(RegionId id, int first, int n) {
        Binmap bm = space.blockBinmap(id.segment(), id.region());
        bm.setRange(first, n);
        int count = space.regions.count(id.segment(), id.region()) + n;
        space.regions.setCount(id.segment(), id.region(), count);
        long free = bm.findFree();
        space.regions.setFreeIndex(id.segment(), id.region(), free < 0 ? config.blocksPerRegion() : (int) free);
        if (count == config.blocksPerRegion()) {
            space.regionList(id.segment(), space.regions.type(id.segment(), id.region())).remove(id.region());
        }
    }

    /** Gives {@code n} blocks from {@code first} back to their region; an emptied region is FREE again. */
    void releaseBlocks(RegionId id, int first, int n) {
        int s = id.segment();
        int r = id.region();
        Binmap bm = space.blockBinmap(s, r);
        bm.clearRange(first, n);
        int count = space.regions.count(s, r);
        int type = space.regions.type(s, r);
        if (count == config.blocksPerRegion()) {
            space.regionList(s, type).pushFront(r);
        }
        count -= n;
        space.regions.setCount(s, r, count);
        space.regions.setFreeIndex(s, r, Math.min(space.regions.freeIndex(s, r), first));
        if (count == 0) {
            space.regionList(s, type).remove(r);
            space.metaFree(space.regions.binmap(s, r));
            space.regions.clear(s, r);
            space.regionBinmap(s).clear(r);
        }
    }

    /**
     * Takes a block for {@code state} (ITEMS of class {@code c}, or CHUNK_RUNS) with a fresh chunk table; it joins
     * no list (the caller's).
     */
    BlockId takeBlock(int state, int c, String op) {
        int regionType = state == BlockRecords.ITEMS ? RegionRecords.ITEMS : RegionRecords.CHUNK_RUNS;
        RegionId id = null;
        for (int s = 0; s < config.segments() && id == null; s++) {
            long r = space.regionList(s, regionType).first();
            id = r == IndexList.NONE ? null : new RegionId(s, (int) r);
        }
        if (id == null && !anyFreeRegion()) { // before any metadata is taken: an exhausted request changes nothing
            throw space.exhausted(op, "every region of the " + config.segments() + " segment(s) is taken, and no "
                    + "region of its type has a free block", null);
        }
        int handle = space.metaAllocate(ChunkTable.BYTES, op, "a block's chunk table");
        if (id == null) {
            try {
                id = takeRegion(regionType, op);
            } catch (RuntimeException e) {
                space.metaFree(handle);
                throw e;
            }
        }
        int b = space.regions.freeIndex(id.segment(), id.region());
        claimBlocks(id, b, 1);
        int block = id.region() * config.blocksPerRegion() + b;
        space.blocks.clear(id.segment(), block);
        space.blocks.setU8(id.segment(), block, BlockRecords.STATE, state);
        space.blocks.setU8(id.segment(), block, BlockRecords.CLASS, c);
        space.blocks.setU16(id.segment(), block, BlockRecords.FREE_INDEX, 0);
        space.blocks.setWord(id.segment(), block, handle);
        ChunkTable.fresh(space.address(handle));
        return new BlockId(id.segment(), block);
    }

    /** Gives an emptied ITEMS or CHUNK_RUNS block (in no list) back: its chunk table to the FSA, itself to its region. */
    void releaseBlock(BlockId id) {
        space.metaFree(space.blocks.word(id.segment(), id.block()));
        space.blocks.clear(id.segment(), id.block());
        releaseBlocks(new RegionId(id.segment(), id.block() / config.blocksPerRegion()),
                id.block() % config.blocksPerRegion(), 1);
    }
}
