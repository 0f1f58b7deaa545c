package io.vakit.design.chunks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.spec.engine.Settings;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.Placement;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The design's own properties, against a model written from spec/chunks.md, on long random runs over the seed's
 * scale and the small configuration:
 * <ul>
 *   <li>address arithmetic: every block the allocator returns is where the model's arithmetic says a block of its
 *       class may be: an item at the lowest free index of a chunk of its class that had one (or index 0 of the lowest
 *       free chunk of a block of its class that had no active chunk, or of a new block when no block of the class had
 *       room); a run at the lowest start of n free chunks (blocks) of a block (region) that had one, or at 0 of a new
 *       one when none had; the lowest free block of a region, a new region only when none of its type had room;
 *   <li>owner lookup and placement, at any address of a live block, agree with that arithmetic;
 *   <li>the commit policy: the bytes committed for data are exactly the chunks holding live items, each class's
 *       spare chunk (at most one empty chunk per item class) and the live runs; the runtime FSA holds exactly one
 *       block binmap per region in use, one chunk table per block of items or chunk runs, one element binmap per item
 *       chunk;
 *   <li>every refusal (interior, double, wrong size, exhaustion) changes nothing: stats and census stay the same;
 *       exhaustion comes only when the model finds no room.
 * </ul>
 */
class ChunksProperties {
    private static final ChunkClasses CLASSES = new ChunkClasses();

    /** A live block: where, its requested size, its class. */
    private record Live(long address, long size, int c) {}

    @Test
    void arithmeticPlacementCommitsAndRefusalsFollowTheSpec() {
        Settings settings = Settings.fromSystemProperties();
        SplittableRandom seeds = new SplittableRandom(settings.seed());
        for (int run = 0; run < Math.max(6, settings.tries() / 10); run++) {
            long seed = seeds.nextLong();
            boolean small = run % 2 == 1;
            ChunksProvider p = new ChunksProvider();
            try (ChunksAllocator a = small ? (ChunksAllocator) p.openSmall() : p.openChunks()) {
                new Run(a, new SplittableRandom(seed), "seed " + seed + (small ? ", small" : ", seed scale"))
                        .steps(40 * settings.length());
            }
        }
    }

    /** The model of one allocator: what each region, block and chunk holds, from the blocks' addresses alone. */
    private static final class Run {
        final ChunksAllocator a;
        final ChunksConfig cfg;
        final SplittableRandom r;
        final String name;
        final long base;
        final List<Live> live = new ArrayList<>();
        /** Region (segment << 8 | region) to type. */
        final Map<Integer, Integer> regionType = new HashMap<>();
        /** Region to its blocks in use. */
        final Map<Integer, BitSet> regionBlocks = new HashMap<>();
        /** Item block (segment << 16 | block) to its class. */
        final Map<Integer, Integer> blockClass = new HashMap<>();
        /** Item or chunk-run block to its chunks in use. */
        final Map<Integer, BitSet> blockChunks = new HashMap<>();
        /** Item chunk (block << 8 | chunk) to its live items. */
        final Map<Long, BitSet> chunkItems = new HashMap<>();
        final Map<Integer, Long> spare = new HashMap<>();
        final int focus;
        final long max;

        Run(ChunksAllocator a, SplittableRandom r, String name) {
            this.a = a;
            this.cfg = a.config();
            this.r = r;
            this.name = name;
            this.base = a.reservedRanges().getFirst().start();
            this.focus = r.nextInt(ChunkClasses.COUNT);
            this.max = Math.min(a.descriptor().maxBlockSize(), cfg.regionBytes() * 2);
        }

        void steps(int n) {
            for (int step = 0; step < n; step++) {
                int roll = r.nextInt(100);
                if (live.isEmpty() || roll < 58) {
                    allocate(step);
                } else if (roll < 62) {
                    refusals(step);
                } else {
                    free(live.remove(r.nextInt(live.size())));
                }
                if (step % 20 == 0) {
                    check(name + ", step " + step);
                }
            }
            while (!live.isEmpty()) {
                free(live.remove(live.size() - 1));
            }
            check(name + ", drained");
            assertThat(a.census().dataCommitted()).as("%s: idle, only the spare chunks stay committed", name)
                    .isEqualTo(spare.size() * ChunkClasses.CHUNK);
            assertThat(a.stats().committedBytes()).isLessThanOrEqualTo(a.idleCommittedBound());
        }

        long size() {
            int c = r.nextInt(100) < 45 ? focus : r.nextInt(ChunkClasses.COUNT);
            if (r.nextInt(60) == 0) {
                return CLASSES.size(ChunkClasses.COUNT - 1) + 1 + r.nextLong(1 << 20); // a mapping (or too large)
            }
            long hi = CLASSES.size(c);
            long lo = c == 0 ? 1 : CLASSES.size(c - 1) + 1;
            return lo + r.nextLong(hi - lo + 1);
        }

        static int region(int s, int reg) {
            return s << 8 | reg;
        }

        static int block(int s, int b) {
            return s << 16 | b;
        }

        // ------------------------------------------------------------------ allocate

        void allocate(int step) {
            long size = size();
            if (size > a.descriptor().maxBlockSize() || size > max && size > CLASSES.size(ChunkClasses.COUNT - 1)
                    && r.nextInt(4) > 0) {
                return;
            }
            int c = CLASSES.classOf(size);
            String what = name + ", step " + step + ", allocate(" + size + ")";
            var before = a.census();
            var statsBefore = a.stats();
            long address;
            try {
                address = a.allocate(size).address();
            } catch (AddressSpaceExhaustedException e) {
                assertThat(roomFor(c)).as("%s was refused, but the model has room", what).isFalse();
                assertThat(a.census()).as("%s: a refusal changes nothing", what).isEqualTo(before);
                assertThat(a.stats()).isEqualTo(statsBefore);
                return;
            }
            if (c < 0 || size > cfg.regionBytes()) {
                assertThat(a.placement(address).orElseThrow().path()).as(what).isEqualTo("mapping");
            } else {
                switch (CLASSES.regionType(c)) {
                    case CHUNK -> placedItem(what, address, c);
                    case CHUNK_RUN -> placedChunkRun(what, address, c);
                    case BLOCK_RUN -> placedBlockRun(what, address, c);
                }
            }
            live.add(new Live(address, size, c));
        }

        /** Whether the model finds room for a block of class {@code c} (within a region). */
        boolean roomFor(int c) {
            if (c < 0) {
                return true; // a mapping: refused only by the system
            }
            boolean freeRegion = regionType.size() < cfg.segments() * cfg.regionsPerSegment();
            return switch (CLASSES.regionType(c)) {
                case CHUNK -> freeRegion || regionWithFreeBlock(RegionRecords.ITEMS)
                        || blockClass.entrySet().stream().anyMatch(e -> e.getValue() == c && itemBlockHasRoom(e.getKey()));
                case CHUNK_RUN -> freeRegion || regionWithFreeBlock(RegionRecords.CHUNK_RUNS)
                        || blockChunks.entrySet().stream().anyMatch(e -> !blockClass.containsKey(e.getKey())
                                && lowestRun(e.getValue(), runLength(c), 256) >= 0);
                case BLOCK_RUN -> freeRegion || regionType.entrySet().stream().anyMatch(e -> e.getValue()
                        == RegionRecords.BLOCK_RUNS && lowestRun(regionBlocks.get(e.getKey()), runLength(c),
                                cfg.blocksPerRegion()) >= 0);
            };
        }

        boolean regionWithFreeBlock(int type) {
            return regionType.entrySet().stream().anyMatch(e -> e.getValue() == type
                    && regionBlocks.get(e.getKey()).cardinality() < cfg.blocksPerRegion());
        }

        boolean itemBlockHasRoom(int blockKey) {
            if (blockChunks.get(blockKey).cardinality() < 256) {
                return true;
            }
            int cap = ItemChunks.capacity(CLASSES, blockClass.get(blockKey));
            return chunkItems.entrySet().stream().anyMatch(e -> (int) (e.getKey() >> 8) == blockKey
                    && e.getValue().cardinality() < cap);
        }

        int runLength(int c) {
            return (int) (CLASSES.size(c) >>> (CLASSES.size(c) <= ChunkClasses.BLOCK ? 12 : 20));
        }

        static int lowestRun(BitSet used, int n, int capacity) {
            for (int s = 0; s + n <= capacity; s++) {
                int next = used.nextSetBit(s);
                if (next < 0 || next >= s + n) {
                    return s;
                }
                s = next;
            }
            return -1;
        }

        /** The arithmetic of spec/chunks.md: segment, region, block (in its segment), chunk, and the offset. */
        record Where(int segment, int region, int block, int chunk, long offset) {}

        Where where(long address) {
            long off = address - base;
            assertThat(off).as("0x%x lies in the segments", address).isBetween(0L, cfg.reservationBytes() - 1);
            return new Where((int) (off >>> cfg.segmentShift()), (int) (off >>> cfg.regionShift())
                    & (cfg.regionsPerSegment() - 1), (int) (off >>> 20) & (cfg.blocksPerSegment() - 1),
                    (int) (off >>> 12) & 255, off);
        }

        /** The region holding {@code w} is of {@code type}: known, or new when none of the type had a free block. */
        void regionIs(String what, Where w, int type, boolean newAllowed) {
            int key = region(w.segment, w.region);
            Integer known = regionType.get(key);
            if (known == null) {
                assertThat(newAllowed).as("%s: a new region, though one of its type had room", what).isTrue();
                regionType.put(key, type);
                regionBlocks.put(key, new BitSet());
            } else {
                assertThat(known).as("%s: the region's type", what).isEqualTo(type);
            }
        }

        void placedItem(String what, long address, int c) {
            Where w = where(address);
            int bk = block(w.segment, w.block);
            long ck = (long) bk << 8 | w.chunk;
            long itemSize = CLASSES.size(c);
            int cap = ItemChunks.capacity(CLASSES, c);
            long i = (w.offset & 4095) / itemSize;
            assertThat((w.offset & 4095) % itemSize).as("%s: an item boundary", what).isZero();
            BitSet items = chunkItems.get(ck);
            if (items != null) {
                assertThat(blockClass.get(bk)).as("%s: the chunk's class", what).isEqualTo(c);
                assertThat(items.cardinality()).as("%s: the chunk had a free item", what).isLessThan(cap);
                assertThat(i).as("%s: the lowest free item", what).isEqualTo(items.nextClearBit(0));
            } else {
                assertThat(i).as("%s: a new chunk's first item", what).isZero();
                Integer known = blockClass.get(bk);
                if (known != null) {
                    assertThat(known).as("%s: the block's class", what).isEqualTo(c);
                    assertThat(chunkItems.entrySet().stream().noneMatch(e -> (int) (e.getKey() >> 8) == bk
                            && e.getValue().cardinality() < cap)).as("%s: a new chunk only when none is active", what)
                            .isTrue();
                    assertThat(w.chunk).as("%s: the lowest free chunk", what)
                            .isEqualTo(blockChunks.get(bk).nextClearBit(0));
                } else {
                    assertThat(blockClass.entrySet().stream().noneMatch(e -> e.getValue() == c
                            && itemBlockHasRoom(e.getKey()))).as("%s: a new block only when none of the class has room",
                                    what).isTrue();
                    newBlock(what, w, RegionRecords.ITEMS);
                    blockClass.put(bk, c);
                    blockChunks.put(bk, new BitSet());
                    assertThat(w.chunk).as("%s: a new block's first chunk", what).isZero();
                }
                blockChunks.get(bk).set(w.chunk);
                items = new BitSet();
                chunkItems.put(ck, items);
            }
            if (items.isEmpty() && spare.get(c) != null && spare.get(c) == ck) {
                spare.remove(c);
            }
            items.set((int) i);
        }

        /** A new block of a region of {@code type}: the lowest free block of a region with one, or of a new region. */
        void newBlock(String what, Where w, int type) {
            int key = region(w.segment, w.region);
            regionIs(what, w, type, !regionWithFreeBlock(type));
            BitSet blocks = regionBlocks.get(key);
            int inRegion = w.block & (cfg.blocksPerRegion() - 1);
            assertThat(inRegion).as("%s: the region's lowest free block", what).isEqualTo(blocks.nextClearBit(0));
            blocks.set(inRegion);
        }

        void placedChunkRun(String what, long address, int c) {
            Where w = where(address);
            int bk = block(w.segment, w.block);
            int n = runLength(c);
            assertThat(w.offset & 4095).as("%s: a chunk boundary", what).isZero();
            BitSet chunks = blockChunks.get(bk);
            if (chunks != null) {
                assertThat(blockClass).as("%s: a block of chunk runs", what).doesNotContainKey(bk);
                assertThat(w.chunk).as("%s: the lowest run of %d free chunks", what, n)
                        .isEqualTo(lowestRun(chunks, n, 256));
            } else {
                assertThat(blockChunks.entrySet().stream().noneMatch(e -> !blockClass.containsKey(e.getKey())
                        && lowestRun(e.getValue(), n, 256) >= 0)).as("%s: a new block only when no block has a run",
                                what).isTrue();
                newBlock(what, w, RegionRecords.CHUNK_RUNS);
                chunks = new BitSet();
                blockChunks.put(bk, chunks);
                assertThat(w.chunk).isZero();
            }
            chunks.set(w.chunk, w.chunk + n);
        }

        void placedBlockRun(String what, long address, int c) {
            Where w = where(address);
            int n = runLength(c);
            assertThat(w.offset & ((1 << 20) - 1)).as("%s: a block boundary", what).isZero();
            int key = region(w.segment, w.region);
            int inRegion = w.block & (cfg.blocksPerRegion() - 1);
            BitSet blocks = regionBlocks.get(key);
            if (blocks != null) {
                assertThat(regionType.get(key)).isEqualTo(RegionRecords.BLOCK_RUNS);
                assertThat(inRegion).as("%s: the lowest run of %d free blocks", what, n)
                        .isEqualTo(lowestRun(blocks, n, cfg.blocksPerRegion()));
            } else {
                assertThat(regionType.entrySet().stream().noneMatch(e -> e.getValue() == RegionRecords.BLOCK_RUNS
                        && lowestRun(regionBlocks.get(e.getKey()), n, cfg.blocksPerRegion()) >= 0))
                        .as("%s: a new region only when no region has a run", what).isTrue();
                regionIs(what, w, RegionRecords.BLOCK_RUNS, true);
                blocks = regionBlocks.get(key);
                assertThat(inRegion).isZero();
            }
            blocks.set(inRegion, inRegion + n);
        }

        // ------------------------------------------------------------------ free

        void free(Live b) {
            a.free(MemorySegment.ofAddress(b.address).reinterpret(b.size));
            if (b.c < 0 || b.size > cfg.regionBytes()) {
                return;
            }
            Where w = where(b.address);
            int bk = block(w.segment, w.block);
            int key = region(w.segment, w.region);
            switch (CLASSES.regionType(b.c)) {
                case CHUNK -> {
                    long ck = (long) bk << 8 | w.chunk;
                    BitSet items = chunkItems.get(ck);
                    items.clear((int) ((w.offset & 4095) / CLASSES.size(b.c)));
                    if (items.isEmpty()) {
                        if (!spare.containsKey(b.c)) {
                            spare.put(b.c, ck);
                        } else {
                            chunkItems.remove(ck);
                            releaseChunks(bk, key, w, w.chunk, 1);
                        }
                    }
                }
                case CHUNK_RUN -> releaseChunks(bk, key, w, w.chunk, runLength(b.c));
                case BLOCK_RUN -> releaseBlocks(key, w.block & (cfg.blocksPerRegion() - 1), runLength(b.c));
            }
        }

        void releaseChunks(int bk, int key, Where w, int from, int n) {
            BitSet chunks = blockChunks.get(bk);
            chunks.clear(from, from + n);
            if (chunks.isEmpty()) {
                blockChunks.remove(bk);
                blockClass.remove(bk);
                releaseBlocks(key, w.block & (cfg.blocksPerRegion() - 1), 1);
            }
        }

        void releaseBlocks(int key, int from, int n) {
            BitSet blocks = regionBlocks.get(key);
            blocks.clear(from, from + n);
            if (blocks.isEmpty()) {
                regionBlocks.remove(key);
                regionType.remove(key);
            }
        }

        // ------------------------------------------------------------------ refusals

        void refusals(int step) {
            Live b = live.get(r.nextInt(live.size()));
            var census = a.census();
            var stats = a.stats();
            long usable = a.usableSize(MemorySegment.ofAddress(b.address).reinterpret(b.size));
            String what = name + ", step " + step + ", block 0x" + Long.toHexString(b.address);
            if (usable > 16) {
                long inside = b.address + 1 + r.nextLong(usable - 1);
                assertThatThrownBy(() -> a.free(MemorySegment.ofAddress(inside).reinterpret(b.size)))
                        .as("%s: an interior free", what).isInstanceOf(InvalidFreeException.class);
            }
            long wrong = b.c >= 0 && b.c + 1 < ChunkClasses.COUNT ? CLASSES.size(b.c + 1) : 8;
            if (b.c < 0 || CLASSES.classOf(wrong) != b.c) {
                assertThatThrownBy(() -> a.free(MemorySegment.ofAddress(b.address).reinterpret(wrong)))
                        .as("%s: a free of %d bytes", what, wrong).isInstanceOf(InvalidFreeException.class)
                        .hasFieldOrPropertyWithValue("reason", InvalidFreeException.Reason.WRONG_SIZE);
            }
            assertThat(a.census()).as("%s: refusals change nothing", what).isEqualTo(census);
            assertThat(a.stats()).isEqualTo(stats);
        }

        // ------------------------------------------------------------------ the whole state

        void check(String when) {
            long runs = 0;
            for (Live b : live) {
                if (b.c >= 0 && b.size <= cfg.regionBytes() && CLASSES.regionType(b.c) != ChunkClasses.RegionType.CHUNK) {
                    runs += CLASSES.size(b.c);
                }
            }
            long chunks = chunkItems.size();
            assertThat(a.census().dataCommitted()).as("%s: committed = item chunks (spares included) + runs", when)
                    .isEqualTo(chunks * ChunkClasses.CHUNK + runs);
            long tables = blockChunks.size();
            assertThat(a.census().fsaItems()).as("%s: FSA items = region binmaps + chunk tables + element binmaps",
                    when).isEqualTo(regionType.size() + tables + chunks);
            assertThat(a.census().spares()).isEqualTo(spare.size());
            for (int k = 0; k < Math.min(4, live.size()); k++) {
                ownerAndPlacement(when, live.get(r.nextInt(live.size())));
            }
            ChunksStructure.verify(a);
        }

        void ownerAndPlacement(String when, Live b) {
            long usable = b.c >= 0 ? CLASSES.size(b.c) : (b.size + 4095) & -4096;
            long at = b.address + r.nextLong(usable);
            assertThat(a.owner(at)).as("%s: owner(0x%x) of block 0x%x", when, at, b.address)
                    .contains(new BlockInfo(b.address, usable, b.c));
            Placement p = a.placement(at).orElseThrow();
            if (b.c < 0 || b.size > cfg.regionBytes()) {
                assertThat(p.path()).isEqualTo("mapping");
                return;
            }
            Where w = where(b.address);
            List<Placement.Level> l = p.levels();
            assertThat(l.get(0).index()).as("%s: segment", when).isEqualTo(w.segment);
            assertThat(l.get(1).index()).as("%s: region", when).isEqualTo(w.region);
            switch (CLASSES.regionType(b.c)) {
                case CHUNK -> {
                    assertThat(p.path()).isEqualTo("segment/region/block/chunk/item");
                    assertThat(l.get(2).index()).isEqualTo(w.block & (cfg.blocksPerRegion() - 1));
                    assertThat(l.get(3).index()).isEqualTo(w.chunk);
                    assertThat(l.get(4).index()).isEqualTo((w.offset & 4095) / CLASSES.size(b.c));
                }
                case CHUNK_RUN -> {
                    assertThat(p.path()).isEqualTo("segment/region/block/run");
                    assertThat(l.get(3).index()).isEqualTo(w.chunk);
                }
                case BLOCK_RUN -> {
                    assertThat(p.path()).isEqualTo("segment/region/run");
                    assertThat(l.get(2).index()).isEqualTo(w.block & (cfg.blocksPerRegion() - 1));
                }
            }
        }
    }
}
