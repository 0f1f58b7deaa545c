package io.vakit.design.partitions;

import io.vakit.spec.docs.TableSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The tables of spec/partitions.md: each configuration's partitions, and the routes, from the code. */
public final class PartitionsDocTables implements TableSource {
    /** Used by ServiceLoader. */
    public PartitionsDocTables() {}

    @Override
    public Map<String, Supplier<String>> tables() {
        Map<String, Supplier<String>> t = new LinkedHashMap<>();
        t.put("partitions-parameters", PartitionsDocTables::parameters);
        return t;
    }

    private static String parameters() {
        StringBuilder s = new StringBuilder("| configuration | slices per partition | arenas per slice | partition k "
                + "starts at (offset) | arena k | part k | reserved | fixed address |\n|---|---|---|---|---|---|---|---|\n");
        for (var e : Map.of("seed layout", PartitionsConfig.seedLayout(), "default", PartitionsConfig.defaults(),
                "small", PartitionsConfig.small()).entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
            PartitionsConfig c = e.getValue();
            StringBuilder starts = new StringBuilder();
            for (int k = 0; k < PartitionsConfig.ROWS; k++) {
                starts.append(k == 0 ? "" : ", ").append(bytes(c.partitionOffset(k)));
            }
            s.append("| ").append(e.getKey()).append(" | ").append(c.slices()).append(" | ").append(c.arenasPerSlice())
                    .append(" | ").append(starts).append(" | ").append(bytes(c.arenaBytes(0))).append(" << k | ")
                    .append(bytes(c.partBytes(0))).append(" << k | ").append(bytes(c.reservationBytes())).append(" | ")
                    .append(c.fixedAddress() == 0 ? "anywhere" : "0x" + Long.toHexString(c.fixedAddress()))
                    .append(" |\n");
        }
        PartitionsConfig d = PartitionsConfig.defaults();
        PartitionsConfig small = PartitionsConfig.small();
        s.append("\n| request (after rounding to the alignment) | default | small |\n|---|---|---|\n")
                .append("| an item of a pool (80 classes, row of the class) | 1 B .. 32 KiB | 1 B .. 32 KiB |\n")
                .append("| a whole part (the smallest power of two holding it) | 32 KiB + 1 .. ").append(bytes(d.largestPart()))
                .append(" | 32 KiB + 1 .. ").append(bytes(small.largestPart())).append(" |\n")
                .append("| a whole arena | ").append(bytes(d.largestPart())).append(" + 1 .. ")
                .append(bytes(d.largestArena())).append(" | ").append(bytes(small.largestPart())).append(" + 1 .. ")
                .append(bytes(small.largestArena())).append(" |\n")
                .append("| the high range (a mapping) | ").append(bytes(d.largestArena())).append(" + 1 .. ")
                .append(bytes(d.maxRequest())).append(" | none (largest request ").append(bytes(small.maxRequest()))
                .append(") |\n")
                .append("| largest explicit alignment | ").append(bytes(PartitionsAllocator.MAX_ALIGNMENT)).append(" | ")
                .append(bytes(PartitionsAllocator.MAX_ALIGNMENT)).append(" |\n")
                .append("| features | ").append(java.util.EnumSet.copyOf(PartitionsProvider.FEATURES)).append(" | |\n");
        return s.toString();
    }

    private static String bytes(long b) {
        if (b == 0) {
            return "0";
        }
        if (b % (1L << 40) == 0) {
            return (b >> 40) + " TiB";
        }
        if (b % (1L << 30) == 0) {
            return (b >> 30) + " GiB";
        }
        if (b % (1L << 20) == 0) {
            return (b >> 20) + " MiB";
        }
        if (b % 1024 == 0) {
            return (b >> 10) + " KiB";
        }
        return b + " B";
    }
}
