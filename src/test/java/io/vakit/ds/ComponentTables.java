package io.vakit.ds;

import io.vakit.spec.docs.TableSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The generated tables of spec/components.md, rendered from the data structures themselves. */
public final class ComponentTables implements TableSource {
    /** Used by ServiceLoader. */
    public ComponentTables() {}

    @Override
    public Map<String, Supplier<String>> tables() {
        Map<String, Supplier<String>> t = new LinkedHashMap<>();
        t.put("binmap-levels", ComponentTables::binmapLevels);
        t.put("fsa-sizes", ComponentTables::fsaSizes);
        return t;
    }

    private static String binmapLevels() {
        StringBuilder s = new StringBuilder("| capacity (bits) | levels, 32-bit words | bytes, 32-bit | levels, 64-bit words"
                + " | bytes, 64-bit |\n|---|---|---|---|---|\n");
        for (long c : new long[] {1, 31, 32, 33, 1023, 1024, 1025, 1L << 20, 1L << 24, 1L << 32}) {
            s.append("| ").append(c).append(" | ").append(Binmap.levelsFor(c, Binmap.WordSize.W32)).append(" | ")
                    .append(Binmap.bytesFor(c, Binmap.WordSize.W32)).append(" | ")
                    .append(Binmap.levelsFor(c, Binmap.WordSize.W64)).append(" | ")
                    .append(Binmap.bytesFor(c, Binmap.WordSize.W64)).append(" |\n");
        }
        return s.toString();
    }

    private static String fsaSizes() {
        StringBuilder s = new StringBuilder("| item size (B) | requests (B) | items per 64 KiB block | live-item binmap"
                + " (B) |\n|---|---|---|---|\n");
        for (int item = Fsa.MIN_ITEM; item <= Fsa.MAX_ITEM; item <<= 1) {
            int from = item == Fsa.MIN_ITEM ? 1 : item / 2 + 1;
            int perBlock = Fsa.DEFAULT_BLOCK / item;
            s.append("| ").append(item).append(" | ").append(from).append("..").append(item).append(" | ")
                    .append(perBlock).append(" | ").append(Binmap.bytesFor(perBlock, Binmap.WordSize.W64)).append(" |\n");
        }
        return s.toString();
    }
}
