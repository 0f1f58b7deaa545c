package io.vakit.design;

import io.vakit.design.arenas.ArenaClasses;
import io.vakit.design.chunks.ChunkClasses;
import io.vakit.design.groups.GroupClasses;
import io.vakit.design.partitions.PartitionClasses;
import io.vakit.design.partitions.PartitionsConfig;
import io.vakit.design.sized.SizedClasses;
import io.vakit.design.sized.SizedConfig;
import io.vakit.design.sized.SizedLayout;
import io.vakit.spec.docs.TableSource;
import io.vakit.spec.sizeclasses.SeedTables;
import io.vakit.spec.sizeclasses.SizeClassLaws;
import io.vakit.spi.SizeClassTable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** The tables of spec/size-classes.md, rendered from the designs' mappings. */
public final class SizeClassDocTables implements TableSource {
    /** Used by ServiceLoader. */
    public SizeClassDocTables() {}

    @Override
    public Map<String, Supplier<String>> tables() {
        Map<String, Supplier<String>> t = new LinkedHashMap<>();
        t.put("chunks-classes", SizeClassDocTables::chunks);
        t.put("groups-classes", SizeClassDocTables::groups);
        t.put("arenas-arenas", SizeClassDocTables::arenas);
        t.put("sized-classes", SizeClassDocTables::sized);
        t.put("partitions-classes", SizeClassDocTables::partitions);
        t.put("partitions-routes", SizeClassDocTables::routes);
        t.put("partitions-waste", SizeClassDocTables::partitionWaste);
        return t;
    }

    /** {@code b} in the largest binary unit that divides it (B, KiB, MiB, GiB), or "unbounded": the tables' format. */
    public static String bytes(long b) {
        if (b == Long.MAX_VALUE) {
            return "unbounded";
        }
        if (b >= 1L << 30 && b % (1L << 30) == 0) {
            return (b >> 30) + " GiB";
        }
        if (b >= 1L << 20 && b % (1L << 20) == 0) {
            return (b >> 20) + " MiB";
        }
        if (b >= 1024 && b % 1024 == 0) {
            return (b >> 10) + " KiB";
        }
        return b + " B";
    }

    static String pct(double x) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }

    private static String chunks() {
        ChunkClasses t = new ChunkClasses();
        StringBuilder s = new StringBuilder("| class | size | region type | items per chunk | worst waste | alignment |\n"
                + "|---|---|---|---|---|---|\n");
        for (int c = 0; c < t.count(); c++) {
            s.append("| ").append(c).append(" | ").append(bytes(t.size(c))).append(" | ").append(t.regionType(c))
                    .append(" | ").append(t.itemsPerChunk(c)).append(" | ").append(pct(SizeClassLaws.worstWaste(t, c)))
                    .append(" | ").append(t.alignmentFor(t.size(c))).append(" |\n");
        }
        return s.toString();
    }

    private static String groups() {
        GroupClasses t = new GroupClasses();
        StringBuilder s = new StringBuilder("| class | size | group | per container | container | worst waste |\n"
                + "|---|---|---|---|---|---|\n");
        for (int c = 0; c < t.count(); c++) {
            boolean a = GroupClasses.groupA(c);
            s.append("| ").append(c).append(" | ").append(bytes(t.size(c))).append(" | ").append(a ? "A" : "B")
                    .append(" | ").append(t.perContainer(c)).append(" | ").append(a ? "64 KiB chunk" : "1 GiB region")
                    .append(" | ").append(pct(SizeClassLaws.worstWaste(t, c))).append(" |\n");
        }
        s.append("| - | above 1 GiB | C | 1 | its own reservation, page granular | under one page |\n");
        return s.toString();
    }

    private static String arenas() {
        StringBuilder s = new StringBuilder("| arena | serves up to | reservation | strategy | unit | worst waste |\n"
                + "|---|---|---|---|---|---|\n");
        long below = 0;
        for (ArenaClasses.Arena a : ArenaClasses.ARENAS) {
            long smallest = below + 1;
            long worst = ArenaClasses.footprint(smallest) - smallest;
            s.append("| ").append(a.index()).append(" | ").append(bytes(a.maxSize())).append(" | ")
                    .append(bytes(a.reservation())).append(" | ").append(a.strategy()).append(" | ")
                    .append(bytes(a.granule())).append(" | ")
                    .append(pct((double) worst / ArenaClasses.footprint(smallest))).append(" |\n");
            below = a.maxSize();
        }
        return s.toString();
    }

    private static String sized() {
        SizedConfig config = SizedConfig.defaults();
        StringBuilder s = new StringBuilder("| class | worst waste | block | header | index | slots | our ratio | "
                + "seed's line | seed's ratio |\n|---|---|---|---|---|---|---|---|---|\n");
        for (int c = 0; c < SizedClasses.COUNT; c++) {
            SizedLayout l = config.layout(c);
            long size = l.slot();
            SeedTables.RatioLine line = SeedTables.SIZED_RATIOS.stream().filter(r -> r.from() <= size && size <= r.to())
                    .findFirst().orElseThrow();
            s.append("| ").append(size).append(" | ").append(pct(SizeClassLaws.worstWaste(new SizedClasses(), c)))
                    .append(" | ").append(bytes(l.blockSize())).append(" | ").append(l.headerBytes()).append(" B | u").append(8 * l.indexBytes()).append(" | ")
                    .append(l.capacity()).append(" | ").append(String.format(Locale.ROOT, "%.7f", l.memoryRatio()))
                    .append(" | ").append(line.from()).append("..").append(line.to()).append(" | ")
                    .append(line.ratio()).append(" |\n");
        }
        s.append("| > 8192 | under a page | own mapping | 0 | - | 1 | 1 (page rounding aside) | larger | 1 |\n");
        return s.toString();
    }

    private static String partitions() {
        PartitionClasses t = new PartitionClasses();
        StringBuilder s = new StringBuilder("| row | classes | step | part | arena | worst waste in row | alignment |\n"
                + "|---|---|---|---|---|---|---|\n");
        int c = 0;
        while (c < t.count()) {
            int r = PartitionClasses.row(c);
            int first = c;
            double worst = 0;
            while (c < t.count() && PartitionClasses.row(c) == r) {
                worst = Math.max(worst, SizeClassLaws.worstWaste(t, c));
                c++;
            }
            s.append("| ").append(r).append(" | ").append(t.size(first)).append("..").append(t.size(c - 1))
                    .append(" (").append(c - first).append(") | ").append(stepText(t, first, c)).append(" | ")
                    .append(bytes(PartitionsConfig.seedLayout().partBytes(r))).append(" | ").append(bytes(PartitionsConfig.seedLayout().arenaBytes(r)))
                    .append(" | ").append(pct(worst)).append(" | ").append(alignText(t, first, c)).append(" |\n");
        }
        s.append("| 7 | reserved for special allocations | - | ").append(bytes(PartitionsConfig.seedLayout().partBytes(7)))
                .append(" | ").append(bytes(PartitionsConfig.seedLayout().arenaBytes(7))).append(" | - | - |\n");
        return s.toString();
    }

    private static String partitionWaste() {
        PartitionClasses t = new PartitionClasses();
        StringBuilder s = new StringBuilder("| row | worst waste of each class (class size: waste) |\n|---|---|\n");
        int c = 0;
        while (c < t.count()) {
            int r = PartitionClasses.row(c);
            s.append("| ").append(r).append(" |");
            while (c < t.count() && PartitionClasses.row(c) == r) {
                s.append(' ').append(t.size(c)).append(": ").append(pct(SizeClassLaws.worstWaste(t, c)))
                        .append(c + 1 < t.count() && PartitionClasses.row(c + 1) == r ? "," : "");
                c++;
            }
            s.append(" |\n");
        }
        return s.toString();
    }

    private static String stepText(SizeClassTable t, int from, int to) {
        java.util.TreeSet<Long> steps = new java.util.TreeSet<>();
        for (int c = Math.max(1, from); c < to; c++) {
            steps.add(t.size(c) - t.size(c - 1));
        }
        return steps.size() == 1 ? String.valueOf(steps.first()) : steps.first() + " to " + steps.last();
    }

    private static String alignText(PartitionClasses t, int from, int to) {
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int c = from; c < to; c++) {
            min = Math.min(min, t.alignmentFor(t.size(c)));
            max = Math.max(max, t.alignmentFor(t.size(c)));
        }
        return min == max ? String.valueOf(min) : min + " to " + max;
    }

    private static String routes() {
        StringBuilder s = new StringBuilder("| request | route |\n|---|---|\n");
        long[][] bounds = {{1, 32 * 1024}, {32 * 1024 + 1, 4L << 20}, {(4L << 20) + 1, 256L << 20},
                {(256L << 20) + 1, 8L << 30}, {(8L << 30) + 1, Long.MAX_VALUE}};
        for (long[] b : bounds) {
            s.append("| ").append(bytes(b[0])).append(" .. ").append(bytes(b[1])).append(" | ")
                    .append(PartitionClasses.route(b[0])).append(" |\n");
        }
        return s.toString();
    }
}
