package io.vakit.design.sized;

import io.vakit.spec.docs.TableSource;
import io.vakit.spi.Stats;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The tables of spec/sized.md: its parameters, and the memory it really uses, measured by filling four blocks of
 * every class (one allocator per class, seed defaults, family 0).
 */
public final class SizedDocTables implements TableSource {
    private static final int BLOCKS = 4;

    /** Used by ServiceLoader. */
    public SizedDocTables() {}

    @Override
    public Map<String, Supplier<String>> tables() {
        Map<String, Supplier<String>> t = new LinkedHashMap<>();
        t.put("sized-parameters", SizedDocTables::parameters);
        t.put("sized-memory", SizedDocTables::memory);
        return t;
    }

    private static String parameters() {
        SizedProvider p = new SizedProvider();
        SizedAllocator.Options o = SizedAllocator.Options.defaults();
        return "| parameter | value |\n|---|---|\n"
                + "| classes | " + SizedClasses.COUNT + ": 1, 2, 4, ..., " + SizedClasses.MAX_CLASS + " B |\n"
                + "| larger requests | own mapping, page-rounded, up to " + p.descriptor().maxBlockSize() + " B |\n"
                + "| families (default) | " + o.families() + " |\n"
                + "| release policy (default) | " + o.policy() + " |\n"
                + "| address-space budget (default) | " + o.budget() + " B |\n"
                + "| natural alignment | next power of two of the size, up to 4096 |\n"
                + "| largest explicit alignment | " + p.descriptor().maxAlignment() + " (within the natural one) |\n"
                + "| features | " + java.util.EnumSet.copyOf(p.descriptor().features()) + " |\n";
    }

    private static String memory() {
        StringBuilder s = new StringBuilder("| class | slots filled | blocks | in-block ratio (seed's measure) | seed's table | "
                + "reserved per live byte (with the live-slot binmaps) | metadata bytes per live byte |\n"
                + "|---|---|---|---|---|---|---|\n");
        SizedConfig config = SizedConfig.defaults();
        for (int c = 0; c < SizedClasses.COUNT; c++) {
            SizedLayout l = config.layout(c);
            try (SizedAllocator a = new SizedProvider().openSized()) {
                long n = l.capacity() * BLOCKS;
                for (long i = 0; i < n; i++) {
                    a.allocate(l.slot());
                }
                Stats st = a.stats();
                long usable = n * l.slot();
                long blockBytes = BLOCKS * l.blockSize();
                s.append("| ").append(l.slot()).append(" | ").append(n).append(" | ").append(BLOCKS).append(" | ")
                        .append(f((double) blockBytes / usable)).append(" | ").append(seedRatio(l.slot())).append(" | ")
                        .append(f((double) st.reservedBytes() / usable)).append(" | ")
                        .append(f((double) (st.reservedBytes() - usable) / usable)).append(" |\n");
            }
        }
        return s.toString();
    }

    private static String seedRatio(long slot) {
        return io.vakit.spec.sizeclasses.SeedTables.SIZED_RATIOS.stream()
                .filter(r -> r.from() <= slot && slot <= r.to()).findFirst().orElseThrow().ratio();
    }

    private static String f(double x) {
        return String.format(Locale.ROOT, "%.6f", x);
    }
}
