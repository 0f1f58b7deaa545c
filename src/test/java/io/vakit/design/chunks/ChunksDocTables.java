package io.vakit.design.chunks;

import io.vakit.ds.Binmap;
import io.vakit.ds.Fsa;
import io.vakit.spec.docs.TableSource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The tables of spec/chunks.md: the hierarchy as the configurations have it, the records' layouts from the code's
 * offsets, where every metadata byte lives, and the metadata measured per live byte.
 */
public final class ChunksDocTables implements TableSource {
    /** Used by ServiceLoader. */
    public ChunksDocTables() {}

    @Override
    public Map<String, Supplier<String>> tables() {
        Map<String, Supplier<String>> t = new LinkedHashMap<>();
        t.put("chunks-parameters", ChunksDocTables::parameters);
        t.put("chunks-records", ChunksDocTables::records);
        t.put("chunks-metadata", ChunksDocTables::metadata);
        t.put("chunks-memory", ChunksDocTables::memory);
        return t;
    }

    private static String parameters() {
        ChunksConfig seed = ChunksConfig.defaults();
        ChunksConfig small = ChunksConfig.small();
        StringBuilder s = new StringBuilder("| level | size (seed) | size (small) | per parent (seed) | per parent "
                + "(small) | index | record | where the record lives |\n|---|---|---|---|---|---|---|---|\n");
        s.append("| segment | ").append(bytes(seed.segmentBytes())).append(" | ").append(bytes(small.segmentBytes()))
                .append(" | ").append(seed.segments()).append(" | ").append(small.segments())
                .append(" | (a - base) >> ").append(seed.segmentShift()).append(" (small: ").append(small.segmentShift())
                .append(") | ").append(ChunksSpace.SEGMENT_RECORD).append(" B | init arena |\n");
        s.append("| region | ").append(bytes(seed.regionBytes())).append(" | ").append(bytes(small.regionBytes()))
                .append(" | ").append(seed.regionsPerSegment()).append(" | ").append(small.regionsPerSegment())
                .append(" | u8 | ").append(RegionRecords.BYTES).append(" B | init arena |\n");
        s.append("| block | ").append(bytes(ChunkClasses.BLOCK)).append(" | ").append(bytes(ChunkClasses.BLOCK))
                .append(" | ").append(seed.blocksPerRegion()).append(" | ").append(small.blocksPerRegion())
                .append(" | u16 in the segment (").append(seed.blocksPerSegment()).append("; small ")
                .append(small.blocksPerSegment()).append(") | ").append(BlockRecords.BYTES).append(" B | init arena |\n");
        s.append("| chunk | ").append(bytes(ChunkClasses.CHUNK)).append(" | ").append(bytes(ChunkClasses.CHUNK))
                .append(" | 256 | 256 | u8 | ").append(ChunkTable.RECORD).append(" B | the block's chunk table (")
                .append(bytes(ChunkTable.BYTES)).append(" FSA item) |\n");
        s.append("| item | 16 B .. 4 KiB | 16 B .. 4 KiB | 4 KiB / size (1 .. 256) | the same | u8 (0 .. 255) | 1 bit "
                + "| the chunk's element binmap (FSA item) |\n");
        ChunksProvider p = new ChunksProvider();
        s.append("\n| parameter | value |\n|---|---|\n")
                .append("| item classes | ").append(ChunkClasses.ITEM_CLASSES).append(" (16 B .. 4 KiB) |\n")
                .append("| chunk runs | 8 KiB .. ").append(bytes(new ChunkClasses().size(ChunkClasses.LAST_CHUNK_RUN)))
                .append(" (2 .. 256 chunks of one block) |\n")
                .append("| block runs | ").append(bytes(new ChunkClasses().size(ChunkClasses.LAST_CHUNK_RUN + 1)))
                .append(" .. one region (2 .. blocks per region) |\n")
                .append("| mappings | above a region, up to ").append(bytes(p.descriptor().maxBlockSize()))
                .append(small.maxRequest() > small.regionBytes() ? " (small: above " + bytes(small.regionBytes())
                        + ", up to " + bytes(small.maxRequest()) + ")" : " (small: none, its largest request "
                        + bytes(small.maxRequest()) + " is a region)").append(" |\n")
                .append("| reserved at open (seed; small) | ").append(bytes(seed.reservationBytes())).append("; ")
                .append(bytes(small.reservationBytes())).append(" of segments, MAP_NORESERVE |\n")
                .append("| explicit alignment | none: up to the natural alignment of the size's class, at most ")
                .append(bytes(ChunksProvider.MAX_ALIGNMENT)).append(" |\n")
                .append("| features | ").append(java.util.EnumSet.copyOf(p.descriptor().features())).append(" |\n");
        return s.toString();
    }

    private static String records() {
        return "| record | bytes | offset: field |\n|---|---|---|\n"
                + "| segment | " + ChunksSpace.SEGMENT_RECORD + " | " + ChunksSpace.REGION_BINMAP
                + ": region binmap (256 bits, 64-bit words, " + Binmap.bytesFor(256, Binmap.WordSize.W64) + " B); "
                + ChunksSpace.ITEM_HEADS + ": u32 heads of the item classes' block lists (" + ChunkClasses.ITEM_CLASSES
                + "); " + ChunksSpace.RUN_HEAD + ": u32 head of the chunk-run block list; " + ChunksSpace.REGION_HEADS
                + ": u16 heads of the region lists per type (4) |\n"
                + "| region | " + RegionRecords.BYTES + " | " + RegionRecords.NEXT + ": u8 next; " + RegionRecords.PREV
                + ": u8 prev; " + RegionRecords.TYPE + ": u8 type; " + RegionRecords.COUNT + ": u16 count; "
                + RegionRecords.FREE_INDEX + ": u16 free index; " + RegionRecords.BINMAP
                + ": u32 FSA handle of the block binmap |\n"
                + "| block | " + BlockRecords.BYTES + " | " + BlockRecords.NEXT + ": u16 next; " + BlockRecords.PREV
                + ": u16 prev; " + BlockRecords.COUNT + ": u16 count; " + BlockRecords.FREE_INDEX + ": u16 free index; "
                + BlockRecords.STATE + ": u8 state; " + BlockRecords.CLASS + ": u8 class; " + BlockRecords.WORD
                + ": u32 chunk table handle, run length or run head |\n"
                + "| chunk | " + ChunkTable.RECORD + " | " + ChunkTable.NEXT + ": u8 next; " + ChunkTable.PREV
                + ": u8 prev; " + ChunkTable.COUNT + ": u16 count; " + ChunkTable.FREE_INDEX + ": u16 free index; "
                + ChunkTable.STATE + ": u8 state; " + ChunkTable.CLASS + ": u8 class; " + ChunkTable.BINMAP
                + ": u32 FSA handle of the element binmap |\n"
                + "| chunk table | " + ChunkTable.BYTES + " | 0: 256 chunk records; " + ChunkTable.CHUNK_BINMAP
                + ": chunk binmap (" + ChunkTable.CHUNK_BINMAP_BYTES + " B); " + ChunkTable.ACTIVE_HEAD
                + ": u16 head of the active chunks; " + ChunkTable.USED + " .. " + ChunkTable.BYTES + ": unused |\n";
    }

    private static String metadata() {
        StringBuilder s = new StringBuilder("| metadata | heap | bytes (seed) | bytes (small) | when |\n"
                + "|---|---|---|---|---|\n");
        ChunksConfig seed = ChunksConfig.defaults();
        ChunksConfig small = ChunksConfig.small();
        s.append("| segment records | init arena | ").append(seed.segments() * ChunksSpace.SEGMENT_RECORD).append(" | ")
                .append(small.segments() * ChunksSpace.SEGMENT_RECORD).append(" | at open |\n");
        s.append("| region records | init arena | ").append(RegionRecords.bytesFor(seed)).append(" | ")
                .append(RegionRecords.bytesFor(small)).append(" | at open |\n");
        s.append("| block records | init arena | ").append(BlockRecords.bytesFor(seed)).append(" | ")
                .append(BlockRecords.bytesFor(small)).append(" | at open |\n");
        s.append("| spare chunks (u64 per item class) | init arena | ").append(8 * ChunkClasses.ITEM_CLASSES)
                .append(" | ").append(8 * ChunkClasses.ITEM_CLASSES).append(" | at open |\n");
        s.append("| init arena committed (page-rounded, with alignment slack) | init arena | ")
                .append(pages(ChunksSpace.initBytes(seed))).append(" | ").append(pages(ChunksSpace.initBytes(small)))
                .append(" | at open, until close |\n");
        s.append("| a region's block binmap | runtime FSA | ")
                .append(Fsa.itemSize((int) Binmap.bytesFor(seed.blocksPerRegion(), Binmap.WordSize.W64))).append(" | ")
                .append(Fsa.itemSize((int) Binmap.bytesFor(small.blocksPerRegion(), Binmap.WordSize.W64)))
                .append(" | while the region is in use |\n");
        s.append("| a block's chunk table | runtime FSA | ").append(Fsa.itemSize(ChunkTable.BYTES)).append(" | ")
                .append(Fsa.itemSize(ChunkTable.BYTES)).append(" | while a block of items or chunk runs is in use |\n");
        ChunkClasses classes = new ChunkClasses();
        for (int c = 0; c < ChunkClasses.ITEM_CLASSES; c++) {
            int cap = ItemChunks.capacity(classes, c);
            int bytes = Fsa.itemSize((int) Binmap.bytesFor(cap, Binmap.WordSize.W64));
            s.append("| an item chunk's element binmap, ").append(bytes(classes.size(c))).append(" items (")
                    .append(cap).append(cap == 1 ? " bit" : " bits").append(") | runtime FSA | ").append(bytes).append(" | ").append(bytes)
                    .append(" | while the chunk holds an item, or is its class's spare |\n");
        }
        s.append("| the FSA's own block records | runtime FSA | grows with its blocks (").append(bytes(ChunksSpace.FSA_BLOCK))
                .append(" each) | the same | kept once grown |\n");
        return s.toString();
    }

    /** Each item class, a 1 MiB run class and a block run, filled to 16 MiB of live bytes: the metadata they cost. */
    private static String memory() {
        StringBuilder s = new StringBuilder("| class | blocks | data committed per live byte | metadata committed per "
                + "live byte (FSA, beyond the empty allocator) | FSA items |\n|---|---|---|---|---|\n");
        ChunkClasses classes = new ChunkClasses();
        int[] shown = {0, 2, 4, 6, 8, 12, 16, 20};
        for (int c : shown) {
            long size = classes.size(c);
            long n = Math.max(2, (16L << 20) / size);
            try (ChunksAllocator a = new ChunksProvider().openChunks()) {
                long emptyFsa = a.census().fsaCommitted();
                for (long i = 0; i < n; i++) {
                    a.allocate(size);
                }
                ChunksAllocator.Census k = a.census();
                double live = (double) n * size;
                s.append("| ").append(bytes(size)).append(" | ").append(n).append(" | ")
                        .append(f(k.dataCommitted() / live)).append(" | ").append(f((k.fsaCommitted() - emptyFsa) / live))
                        .append(" | ").append(k.fsaItems()).append(" |\n");
            }
        }
        return s.toString();
    }

    private static long pages(long bytes) {
        return (bytes + 4095) & -4096;
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String bytes(long b) {
        return io.vakit.design.SizeClassDocTables.bytes(b);
    }
}
