package io.vakit.design.arenas;

import io.vakit.pal.VirtualMemory;
import io.vakit.spec.docs.TableSource;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The tables of spec/arenas.md: the arenas as the code has them, the memory they really use (bookkeeping per live
 * byte), and the fragmentation of the seed's comparison, measured on both designs in one run.
 */
public final class ArenasDocTables implements TableSource {
    /** Used by ServiceLoader. */
    public ArenasDocTables() {}

    @Override
    public Map<String, Supplier<String>> tables() {
        Map<String, Supplier<String>> t = new LinkedHashMap<>();
        t.put("arenas-parameters", ArenasDocTables::parameters);
        t.put("arenas-memory", ArenasDocTables::memory);
        t.put("arenas-fragmentation", ArenasDocTables::fragmentation);
        return t;
    }

    private static String parameters() {
        ArenasConfig seed = ArenasConfig.defaults();
        ArenasConfig small = ArenasConfig.small();
        StringBuilder s = new StringBuilder("| arena | requests | strategy | reservation (seed) | reservation (small) "
                + "| unit | natural alignment | units per reservation (seed) |\n|---|---|---|---|---|---|---|---|\n");
        long low = 1;
        for (ArenaClasses.Arena a : ArenaClasses.ARENAS) {
            long max = Math.min(a.maxSize(), ArenaClasses.MAX_REQUEST);
            s.append("| ").append(a.index()).append(" | ").append(bytes(low)).append(" .. ").append(bytes(max))
                    .append(" | ").append(a.strategy() == ArenaClasses.Strategy.SLAB ? "slab" : "object (best fit)")
                    .append(" | ").append(bytes(seed.reservation(a.index()))).append(" | ")
                    .append(bytes(small.reservation(a.index()))).append(" | ")
                    .append(a.strategy() == ArenaClasses.Strategy.SLAB ? bytes(a.granule()) + " slots"
                            : bytes(a.granule()) + " granules").append(" | ").append(bytes(a.granule())).append(" | ")
                    .append(seed.reservation(a.index()) / a.granule()).append(" |\n");
            low = max + 1;
        }
        ArenasProvider p = new ArenasProvider();
        s.append("\n| parameter | value |\n|---|---|\n")
                .append("| largest request (seed; small) | ").append(bytes(p.descriptor().maxBlockSize())).append("; ")
                .append(bytes(small.maxRequest())).append(" |\n")
                .append("| address-space budget (seed; small) | ").append(bytes(seed.budget())).append("; ")
                .append(bytes(small.budget())).append(" |\n")
                .append("| largest explicit alignment | ").append(bytes(ArenasAllocator.MAX_ALIGNMENT)).append(" |\n")
                .append("| arenas-default | one reservation of ").append(bytes(ArenasDefaultProvider.RESERVATION))
                .append(" (small: ").append(bytes(ArenasDefaultProvider.SMALL_RESERVATION)).append("), ")
                .append(ArenasAllocator.DEFAULT_GRANULE).append("-byte granules, requests up to ")
                .append(bytes(new ArenasDefaultProvider().descriptor().maxBlockSize())).append(" |\n")
                .append("| features | ").append(java.util.EnumSet.copyOf(p.descriptor().features())).append(" |\n");
        return s.toString();
    }

    /** Each arena filled with blocks of its largest request, up to 64 MiB of them: what it commits and reserves. */
    private static String memory() {
        StringBuilder s = new StringBuilder("| arena | block | blocks | reservations | data committed per live byte | "
                + "bookkeeping committed per live byte | reserved per live byte |\n|---|---|---|---|---|---|---|\n");
        for (ArenaClasses.Arena arena : ArenaClasses.ARENAS) {
            long size = Math.min(arena.maxSize(), 40L << 20);
            long n = Math.max(2, Math.min(8192, (64L << 20) / size));
            try (ArenasAllocator a = new ArenasProvider().openArenas()) {
                ArenasAllocator.Census empty = a.census();
                for (long i = 0; i < n; i++) {
                    a.allocate(size);
                }
                ArenasAllocator.Census c = a.census();
                double live = (double) n * size;
                s.append("| ").append(arena.index()).append(" | ").append(bytes(size)).append(" | ").append(n)
                        .append(" | ").append(c.reservations().size()).append(" | ").append(f(c.dataCommitted() / live))
                        .append(" | ").append(f((c.metadataCommitted() - empty.metadataCommitted()) / live))
                        .append(" | ").append(f(a.stats().reservedBytes() / live)).append(" |\n");
            }
        }
        return s.toString();
    }

    /**
     * The seed's fragmentation comparison, as spec/arenas.md defines it (the free bytes inside each reservation's
     * used span, up to its highest live block, over those spans), after 20,000 allocations of sizes log-uniform from
     * 16 B to 1 MiB and one of two ways of freeing: a random half, or every block above 16 KiB (short-lived large
     * blocks among long-lived small ones).
     */
    private static String fragmentation() {
        StringBuilder s = new StringBuilder("| frees | design | live blocks | live bytes | external fragmentation | "
                + "internal (footprint over request) | reservations |\n|---|---|---|---|---|---|---|\n");
        for (boolean large : new boolean[] {false, true}) {
            for (boolean arenas : new boolean[] {false, true}) {
                try (ArenasAllocator a = arenas ? new ArenasProvider().openArenas()
                        : new ArenasDefaultProvider().openDefault()) {
                    SplittableRandom r = new SplittableRandom(20261122L);
                    List<MemorySegment> blocks = new ArrayList<>();
                    for (int i = 0; i < 20_000; i++) {
                        blocks.add(a.allocate((long) Math.exp(Math.log(16) + r.nextDouble() * Math.log(65536))));
                    }
                    List<MemorySegment> kept = new ArrayList<>();
                    for (MemorySegment b : blocks) {
                        if (large ? b.byteSize() > 16 * 1024 : r.nextBoolean()) {
                            a.free(b);
                        } else {
                            kept.add(b);
                        }
                    }
                    java.util.TreeMap<Long, Long> live = new java.util.TreeMap<>();
                    long bytes = 0;
                    long footprint = 0;
                    for (MemorySegment b : kept) {
                        long usable = a.usableSize(b);
                        live.put(b.address(), usable);
                        bytes += b.byteSize();
                        footprint += usable;
                    }
                    s.append("| ").append(large ? "every block above 16 KiB" : "a random half").append(" | ")
                            .append(arenas ? "arenas" : "arenas-default").append(" | ").append(kept.size())
                            .append(" | ").append(bytes).append(" B | ").append(pct(external(a.census(), live)))
                            .append(" | ").append(pct((double) (footprint - bytes) / footprint)).append(" | ")
                            .append(a.census().reservations().size()).append(" |\n");
                }
            }
        }
        return s.toString();
    }

    /** Free bytes inside each reservation's used span (its base to its highest live block's end), over the spans. */
    static double external(ArenasAllocator.Census c, java.util.TreeMap<Long, Long> live) {
        long spans = 0;
        long used = 0;
        for (ArenasAllocator.ReservationView r : c.reservations()) {
            var last = live.floorEntry(r.base() + r.bytes() - 1);
            if (last == null || last.getKey() < r.base()) {
                continue;
            }
            long end = last.getKey() + last.getValue();
            spans += end - r.base();
            for (var e : live.subMap(r.base(), true, end, false).entrySet()) {
                used += e.getValue();
            }
        }
        return spans == 0 ? 0 : (double) (spans - used) / spans;
    }

    static String bytes(long n) {
        if (n >= 1L << 40 && n % (1L << 40) == 0) {
            return (n >> 40) + " TiB";
        }
        if (n >= 1L << 30 && n % (1L << 30) == 0) {
            return (n >> 30) + " GiB";
        }
        if (n >= 1L << 20 && n % (1L << 20) == 0) {
            return (n >> 20) + " MiB";
        }
        if (n >= 1024 && n % 1024 == 0) {
            return (n >> 10) + " KiB";
        }
        return n + " B";
    }

    private static String f(double x) {
        return String.format(Locale.ROOT, "%.6f", x);
    }

    private static String pct(double x) {
        return String.format(Locale.ROOT, "%.3f%%", 100 * x);
    }
}
