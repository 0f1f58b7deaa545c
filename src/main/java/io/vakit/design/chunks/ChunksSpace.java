package io.vakit.design.chunks;

import io.vakit.ds.Binmap;
import io.vakit.ds.Fsa;
import io.vakit.ds.IndexList;
import io.vakit.ds.InitArena;
import io.vakit.ds.MappingTable;
import io.vakit.ds.OutOfSpaceException;
import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import io.vakit.pal.VirtualMemoryException;
import io.vakit.spi.AddressRange;
import io.vakit.spi.AddressSpaceExhaustedException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@code chunks} allocator holds: the main reservation of its segments (aligned to a region), the init arena
 * with the start-up records (segments, regions, blocks, the item classes' spare chunks), the runtime FSA with the
 * binmaps and chunk tables, and the mappings of blocks above a region. Every reservation, commit or metadata item
 * that cannot be had raises {@link AddressSpaceExhaustedException}; the caller has changed nothing yet. Not
 * thread-safe: the allocator's lock guards it.
 *
 * <p>A segment record (128 bytes, init arena): its region binmap (64-bit words, 40 bytes for 256 regions); the heads
 * of its block lists, u32 each: one per item class (blocks of that class with room), one of chunk-run blocks with a
 * free chunk; the heads of its region lists, u16 each, per region type (regions with a free block).
 */
final class ChunksSpace implements AutoCloseable {
    static final long SEGMENT_RECORD = 128;
    static final long REGION_BINMAP = 0;
    static final long ITEM_HEADS = 40;
    static final long RUN_HEAD = ITEM_HEADS + 4L * ChunkClasses.ITEM_CLASSES;
    static final long REGION_HEADS = RUN_HEAD + 4;
    /** The FSA's handles are u32 counts of 8-byte units from its base: it must stay below 32 GiB. */
    static final long FSA_LIMIT = 32L << 30;
    /** The FSA's block size. */
    static final int FSA_BLOCK = Fsa.DEFAULT_BLOCK;
    /** No spare chunk. */
    static final long NO_SPARE = -1;

    final ChunksConfig config;
    final String design;
    final Reservation main;
    final InitArena init;
    final Fsa fsa;
    final MappingTable mappings;
    final RegionRecords regions;
    final BlockRecords blocks;
    private final MemorySegment segmentRecords;
    private final MemorySegment spares;
    private final Binmap[] regionBinmaps;
    private long committedMain;

    ChunksSpace(ChunksConfig config, String design) {
        this.config = config;
        this.design = design;
        VirtualMemory vm = config.vm();
        long page = VirtualMemory.pageSize();
        Reservation m = null;
        InitArena a = null;
        try {
            m = vm.reserve(config.reservationBytes(), config.regionBytes());
            a = new InitArena(vm, (initBytes(config) + page - 1) & -page, page);
            this.fsa = new Fsa(vm, FSA_BLOCK, fsaBlocks(config));
        } catch (VirtualMemoryException e) {
            if (m != null) {
                m.close();
            }
            if (a != null) {
                a.close();
            }
            throw exhausted("open(" + config.segments() + " segments of " + config.segmentBytes() + " bytes)",
                    "could not reserve the allocator's address space", e);
        }
        this.main = m;
        this.init = a;
        this.mappings = new MappingTable(vm);
        this.segmentRecords = init.allocate(SEGMENT_RECORD * config.segments(), 64);
        this.regions = new RegionRecords(init.allocate(RegionRecords.bytesFor(config), 64),
                config.regionsPerSegment());
        this.blocks = new BlockRecords(init.allocate(BlockRecords.bytesFor(config), 64), config.blocksPerSegment());
        this.spares = init.allocate(8L * ChunkClasses.ITEM_CLASSES, 8);
        this.regionBinmaps = new Binmap[config.segments()];
        for (int s = 0; s < config.segments(); s++) {
            regionBinmaps[s] = Binmap.over(segmentRecords.asSlice(s * SEGMENT_RECORD + REGION_BINMAP,
                    Binmap.bytesFor(config.regionsPerSegment(), Binmap.WordSize.W64)), config.regionsPerSegment(),
                    Binmap.WordSize.W64);
            for (int c = 0; c < ChunkClasses.ITEM_CLASSES; c++) {
                itemBlocks(s, c).clear();
            }
            runBlocks(s).clear();
            for (int t = RegionRecords.ITEMS; t <= RegionRecords.BLOCK_RUNS; t++) {
                regionList(s, t).clear();
            }
        }
        for (int c = 0; c < ChunkClasses.ITEM_CLASSES; c++) {
            setSpare(c, NO_SPARE);
        }
    }

    /** The init arena's bytes: segment, region and block records, the spares, and room for their alignment. */
    static long initBytes(ChunksConfig c) {
        return SEGMENT_RECORD * c.segments() + RegionRecords.bytesFor(c) + BlockRecords.bytesFor(c)
                + 8L * ChunkClasses.ITEM_CLASSES + 3 * 64;
    }

    /**
     * FSA blocks for the worst case (every block a chunk table, every chunk an element binmap of 64 bytes, every
     * region a block binmap), plus one partly used block per item size, within the handles' 32 GiB.
     */
    static int fsaBlocks(ChunksConfig c) {
        long blocks = (long) c.segments() * c.blocksPerSegment();
        long bytes = blocks * ChunkTable.BYTES + blocks * 256 * 64 + (long) c.segments() * c.regionsPerSegment() * 64;
        long n = (bytes + FSA_BLOCK - 1) / FSA_BLOCK + Fsa.SIZES;
        return (int) Math.min(n, (FSA_LIMIT - (FSA_LIMIT >> 4)) / FSA_BLOCK);
    }

    // ------------------------------------------------------------------ lists

    /** Segment {@code s}'s blocks of item class {@code c} with room. */
    IndexList itemBlocks(int s, int c) {
        return blocks.list(s, segmentRecords.asSlice(s * SEGMENT_RECORD + ITEM_HEADS + 4L * c, 4));
    }

    /** Segment {@code s}'s chunk-run blocks with a free chunk. */
    IndexList runBlocks(int s) {
        return blocks.list(s, segmentRecords.asSlice(s * SEGMENT_RECORD + RUN_HEAD, 4));
    }

    /** Segment {@code s}'s regions of {@code type} with a free block. */
    IndexList regionList(int s, int type) {
        return regions.list(s, segmentRecords.asSlice(s * SEGMENT_RECORD + REGION_HEADS + 2L * (type - 1), 2));
    }

    /** Segment {@code s}'s region binmap (bit = region taken). */
    Binmap regionBinmap(int s) {
        return regionBinmaps[s];
    }

    /** The spare chunk of item class {@code c}: {@code segment << 24 | block << 8 | chunk}, or {@link #NO_SPARE}. */
    long spare(int c) {
        return spares.getAtIndex(ValueLayout.JAVA_LONG, c);
    }

    void setSpare(int c, long chunk) {
        spares.setAtIndex(ValueLayout.JAVA_LONG, c, chunk);
    }

    int spareCount() {
        int n = 0;
        for (int c = 0; c < ChunkClasses.ITEM_CLASSES; c++) {
            n += spare(c) == NO_SPARE ? 0 : 1;
        }
        return n;
    }

    // ------------------------------------------------------------------ metadata in the FSA

    /** A zeroed FSA item of {@code bytes}: its handle (u32, 8-byte units from the FSA's base; never 0). */
    int metaAllocate(long bytes, String op, String what) {
        MemorySegment item;
        try {
            item = fsa.allocate((int) bytes);
        } catch (OutOfSpaceException | VirtualMemoryException e) {
            throw exhausted(op, "no runtime metadata space for " + what + " (" + bytes + " bytes)", e);
        }
        item.fill((byte) 0);
        return (int) ((item.address() - fsa.base()) >>> 3);
    }

    void metaFree(int handle) {
        fsa.free(address(handle));
    }

    /** The address of FSA handle {@code handle}. */
    long address(int handle) {
        return fsa.base() + (Integer.toUnsignedLong(handle) << 3);
    }

    /** Segment {@code s} region {@code r}'s block binmap. */
    Binmap blockBinmap(int s, int r) {
        return Binmap.attach(MemorySegment.ofAddress(address(regions.binmap(s, r))).reinterpret(blockBinmapBytes()),
                config.blocksPerRegion(), Binmap.WordSize.W64);
    }

    long blockBinmapBytes() {
        return Binmap.bytesFor(config.blocksPerRegion(), Binmap.WordSize.W64);
    }

    /** The chunk table of block {@code b} of segment {@code s} (ITEMS or CHUNK_RUNS). */
    ChunkTable table(int s, int b) {
        return new ChunkTable(address(blocks.word(s, b)));
    }

    // ------------------------------------------------------------------ commits

    /** Commits {@code [offset, offset + bytes)} of the main reservation. */
    void commit(long offset, long bytes, String op) {
        try {
            main.commit(offset, bytes);
        } catch (VirtualMemoryException e) {
            throw exhausted(op, "could not commit " + bytes + " bytes at 0x" + Long.toHexString(main.base() + offset),
                    e);
        }
        committedMain += bytes;
    }

    void decommit(long offset, long bytes) {
        main.decommit(offset, bytes);
        committedMain -= bytes;
    }

    /** Bytes of blocks committed in the main reservation. */
    long committedMain() {
        return committedMain;
    }

    AddressSpaceExhaustedException exhausted(String op, String detail, Throwable cause) {
        return new AddressSpaceExhaustedException(design, op, detail + (cause == null ? "" : ": " + cause.getMessage()),
                cause);
    }

    // ------------------------------------------------------------------ footprint

    List<AddressRange> ranges() {
        List<AddressRange> out = new ArrayList<>(List.of(new AddressRange(main.base(), main.size()),
                new AddressRange(init.base(), init.capacity()), new AddressRange(fsa.base(), fsa.reservedBytes())));
        mappings.mappings().forEach(r -> out.add(new AddressRange(r.base(), r.size())));
        return out;
    }

    long reservedBytes() {
        return main.size() + init.capacity() + fsa.reservedBytes() + mappings.bytes();
    }

    long committedBytes() {
        return committedMain + init.committed() + fsa.committedBytes() + mappings.bytes();
    }

    @Override
    public void close() {
        mappings.close();
        fsa.close();
        init.close();
        main.close();
    }
}
