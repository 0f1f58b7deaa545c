package io.vakit.design.groups;

import io.vakit.spec.docs.TableSource;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Stats;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The tables of spec/groups.md: its parameters, and the memory it really commits, measured by filling 64 chunks of
 * every Group A class and four blocks of Group B classes up to 64 MiB (one allocator per class, the seed's layout).
 */
public final class GroupsDocTables implements TableSource {
    private static final int CHUNKS = 64;
    private static final int BLOCKS = 4;

    /** Used by ServiceLoader. */
    public GroupsDocTables() {}

    @Override
    public Map<String, Supplier<String>> tables() {
        Map<String, Supplier<String>> t = new LinkedHashMap<>();
        t.put("groups-parameters", GroupsDocTables::parameters);
        t.put("groups-memory", GroupsDocTables::memory);
        return t;
    }

    private static String parameters() {
        GroupsConfig c = GroupsConfig.seed();
        DesignDescriptor d = new GroupsProvider(c).descriptor();
        return "| parameter | value |\n|---|---|\n"
                + "| segments (`N`) | " + c.segments() + " of " + mib(c.segmentBytes()) + " (`S`, segmentShift "
                + c.segmentShift() + "): " + mib(c.reservationBytes()) + " reserved |\n"
                + "| Group A | " + GroupClasses.GROUP_A + " classes, 16 B .. 32 KiB, in regions of "
                + mib(c.regionBytes()) + " (32 per segment) of " + c.chunksPerRegion() + " chunks of 64 KiB |\n"
                + "| Group B | " + c.bBins() + " classes, 64 KiB .. " + mib(c.segmentBytes())
                + ", one block size per segment |\n"
                + "| Group C | above " + mib(c.segmentBytes()) + ", up to " + d.maxBlockSize()
                + " B: own mapping, page-rounded |\n"
                + "| bookkeeping | " + GroupsConfig.SLOT / 1024 + " KiB per region slot, "
                + mib(c.bookkeepingBytes()) + " reserved |\n"
                + "| item binmaps | FSA of " + GroupsSpace.fsaBlocks(c) + " blocks of 64 KiB |\n"
                + "| natural alignment | the class size (Group C: the page) |\n"
                + "| largest explicit alignment | " + d.maxAlignment() + " (within the natural one) |\n"
                + "| features | " + java.util.EnumSet.copyOf(d.features()) + " |\n";
    }

    private static String memory() {
        StringBuilder s = new StringBuilder("| class | blocks filled | live bytes | committed bytes | metadata bytes "
                + "committed per live byte |\n|---|---|---|---|---|\n");
        GroupsConfig config = GroupsConfig.seed();
        GroupClasses table = config.classes();
        for (int c = 0; c < table.count() && table.size(c) <= 64L << 20; c++) {
            long size = table.size(c);
            long n = GroupClasses.groupA(c) ? CHUNKS * (GroupClasses.CHUNK / size) : BLOCKS;
            try (GroupsAllocator a = new GroupsProvider(config).openGroups()) {
                for (long i = 0; i < n; i++) {
                    a.allocate(size);
                }
                Stats st = a.stats();
                s.append("| ").append(size).append(" | ").append(n).append(" | ").append(st.liveBytes()).append(" | ")
                        .append(st.committedBytes()).append(" | ")
                        .append(String.format(Locale.ROOT, "%.6f",
                                (double) (st.committedBytes() - st.liveBytes()) / st.liveBytes()))
                        .append(" |\n");
            }
        }
        return s.toString();
    }

    private static String mib(long bytes) {
        return bytes >= 1L << 30 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
    }
}
