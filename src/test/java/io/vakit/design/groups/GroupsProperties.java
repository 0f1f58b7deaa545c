package io.vakit.design.groups;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.pal.VirtualMemory;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.layout.Anchors;
import io.vakit.spec.layout.LayoutLaw;
import io.vakit.spec.layout.LayoutLaws;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.Placement;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The design's own properties, on long random runs over the seed's layout and small ones: for every live block,
 * free-side lookup by address arithmetic (owner, usable size, placement) agrees with the model, which computes it
 * from the address alone as spec/groups.md writes it; and what is committed follows the spec's policy exactly
 * (chunks with live items plus one spare per region, one empty region or segment per bin, live Group B blocks and
 * Group C mappings, 32 KiB of bookkeeping per unit in use), with stats equal to the census's sum.
 */
class GroupsProperties {
    /**
     * The index lists (io.vakit.ds.IndexList) hold exactly what the records say: list 0 the Group A segments with a
     * free region, each Group B bin's list only segments of that bin, each Group A bin's list exactly its regions
     * with a free item; no member twice.
     */
    static void lists(Census census, GroupsConfig config, String at) {
        Set<Long> aSegments = new HashSet<>();
        for (Census.SegmentView v : census.segments()) {
            if (!v.groupB() && v.count() < GroupsConfig.REGIONS) {
                aSegments.add((long) v.index());
            }
        }
        assertThat(census.segmentLists().getFirst()).as("%s: Group A's segment list", at).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(aSegments);
        for (int b = 0; b < config.bBins(); b++) {
            int bin = b;
            Set<Long> ofBin = new HashSet<>();
            census.segments().stream().filter(v -> v.groupB() && v.bBin() == bin).forEach(v -> ofBin.add((long) v.index()));
            assertThat(census.segmentLists().get(1 + b)).as("%s: Group B bin %d's segment list", at, b)
                    .doesNotHaveDuplicates().isSubsetOf(ofBin);
        }
        for (int bin = 0; bin < GroupA.BINS; bin++) {
            long capacity = (long) config.chunksPerRegion() * (GroupClasses.CHUNK / GroupA.itemBytes(bin));
            Set<Long> withRoom = new HashSet<>();
            for (Census.RegionView g : census.regions()) {
                if (g.bin() == bin && g.liveItems() < capacity) {
                    withRoom.add((long) g.index());
                }
            }
            assertThat(census.binLists().get(bin)).as("%s: bin %d's region list", at, bin).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(withRoom);
        }
    }

    private static final long KIB = 1024;

    /** A live block as the model knows it. */
    private record Live(long address, long size) {}

    @Test
    void lookupAndCommitsFollowTheSpecOnRandomRuns() {
        Settings settings = Settings.fromSystemProperties();
        SplittableRandom seeds = new SplittableRandom(settings.seed());
        GroupsConfig[] configs = {GroupsConfig.seed(), GroupsConfig.small(22, 16), GroupsConfig.small(21, 8)};
        for (int run = 0; run < Math.max(6, settings.tries() / 10); run++) {
            long seed = seeds.nextLong();
            GroupsConfig config = configs[run % configs.length];
            SplittableRandom r = new SplittableRandom(seed);
            try (GroupsAllocator a = new GroupsProvider(config).openGroups()) {
                List<Live> live = new ArrayList<>();
                long focus = 1L << (4 + r.nextInt(12)); // a class many requests share, so chunks fill up
                for (int step = 0; step < 30 * settings.length(); step++) {
                    if (live.isEmpty() || r.nextInt(100) < 70) {
                        long size = r.nextInt(100) < 50 ? focus / 2 + 1 + r.nextLong(focus / 2) : size(r, config);
                        try {
                            live.add(new Live(a.allocate(size).address(), size));
                        } catch (io.vakit.spi.AddressSpaceExhaustedException e) {
                            assertThat(config.segments()).as("only a small layout runs out").isLessThan(256);
                        }
                    } else {
                        Live b = live.remove(r.nextInt(live.size()));
                        a.free(MemorySegment.ofAddress(b.address()).reinterpret(b.size()));
                    }
                    if (step % 50 == 0) {
                        check(a, config, live, "seed " + seed + ", step " + step);
                    }
                }
                check(a, config, live, "seed " + seed + ", end");
            }
        }
    }

    private static long size(SplittableRandom r, GroupsConfig config) {
        int roll = r.nextInt(100);
        if (roll < 70) {
            return 1 + r.nextLong(32 * KIB);
        }
        if (roll < 97 || config.segments() == 256) {
            return 32 * KIB + 1 + r.nextLong(Math.min(config.segmentBytes(), 8L << 20) - 32 * KIB);
        }
        return config.segmentBytes() + 1 + r.nextLong(config.segmentBytes());
    }

    private static void check(GroupsAllocator a, GroupsConfig config, List<Live> live, String at) {
        Census census = a.census();
        lists(census, config, at);
        long base = a.base();
        Map<Integer, Integer> itemsPerRegion = new HashMap<>();
        Map<Integer, Set<Integer>> chunksPerRegion = new HashMap<>();
        Map<Integer, Integer> binOfRegion = new HashMap<>();
        Set<Integer> bSegments = new HashSet<>();
        long bBytes = 0;
        long cBytes = 0;
        // the spec's arithmetic is the kit's groups law, anchored to this allocator's real base and segment size
        LayoutLaw law = LayoutLaws.of("groups").orElseThrow();
        Anchors anchors = new Anchors();
        anchors.agree("base", base);
        anchors.agree("segment size", config.segmentBytes());
        for (Live b : live) {
            Placement p = a.placement(b.address()).orElseThrow(() -> new AssertionError(at + ": no placement"));
            law.check(b.address(), b.size(), p, anchors).ifPresent(problem -> {
                throw new AssertionError(at + ": placement " + p + " of " + b + ": " + problem);
            });
            boolean ownMapping = b.size() > config.segmentBytes();
            long bytes = ownMapping ? (b.size() + VirtualMemory.pageSize() - 1) & -VirtualMemory.pageSize()
                    : Math.max(16, Long.highestOneBit(b.size() - 1) << 1);
            int sizeClass = ownMapping ? -1 : Long.numberOfTrailingZeros(bytes) - 4;
            assertThat(p.slot().bytes()).as("%s: the slot of %s", at, b).isEqualTo(bytes);
            long inside = b.address() + (b.size() - 1) / 2;
            assertThat(a.owner(inside)).as("%s: owner of an address inside %s", at, b)
                    .contains(new BlockInfo(b.address(), bytes, sizeClass));
            assertThat(a.usableSize(MemorySegment.ofAddress(b.address()).reinterpret(b.size()))).isEqualTo(bytes);
            switch (p.path()) {
                case "segment/region/chunk/item" -> {
                    int g = (int) (p.levels().get(0).index() * GroupsConfig.REGIONS + p.levels().get(1).index());
                    itemsPerRegion.merge(g, 1, Integer::sum);
                    chunksPerRegion.computeIfAbsent(g, x -> new HashSet<>()).add((int) p.levels().get(2).index());
                    binOfRegion.put(g, sizeClass);
                }
                case "segment/region/block" -> {
                    bSegments.add((int) p.levels().get(0).index());
                    bBytes += bytes;
                }
                default -> cBytes += bytes;
            }
        }
        // Group A: regions in use = regions with live items + the retained ones; chunks = live chunks + spares
        Set<Integer> retained = new HashSet<>(census.retainedRegions());
        retained.remove(-1);
        long chunks = 0;
        for (Census.RegionView v : census.regions()) {
            int items = itemsPerRegion.getOrDefault(v.index(), 0);
            assertThat(v.liveItems()).as("%s: live items of region %d", at, v.index()).isEqualTo(items);
            if (items == 0) {
                assertThat(retained).as("%s: an empty region in use is its bin's retained one", at).contains(v.index());
            } else {
                assertThat(v.bin()).isEqualTo(binOfRegion.get(v.index()));
            }
            int liveChunks = chunksPerRegion.getOrDefault(v.index(), Set.of()).size();
            assertThat(v.committedChunks()).as("%s: committed chunks of region %d", at, v.index())
                    .isEqualTo(liveChunks + (v.spareChunk() >= 0 ? 1 : 0));
            if (v.spareChunk() >= 0) {
                assertThat(chunksPerRegion.getOrDefault(v.index(), Set.of())).doesNotContain(v.spareChunk());
            }
            chunks += v.committedChunks();
        }
        assertThat(census.regions().stream().map(Census.RegionView::index).toList())
                .containsAll(itemsPerRegion.keySet());
        assertThat(census.committedChunks()).isEqualTo(chunks);
        // segments: A segments count their regions in use; B segments are live blocks' or retained
        TreeMap<Integer, Integer> aRegionsPerSegment = new TreeMap<>();
        census.regions().forEach(v -> aRegionsPerSegment.merge(v.index() / GroupsConfig.REGIONS, 1, Integer::sum));
        Set<Integer> retainedB = new HashSet<>(census.retainedSegments());
        retainedB.remove(-1);
        for (Census.SegmentView s : census.segments()) {
            if (s.groupB()) {
                assertThat(bSegments.contains(s.index()) || retainedB.contains(s.index()))
                        .as("%s: B segment %d holds a live block or is retained", at, s.index()).isTrue();
                assertThat(s.count()).isEqualTo(1);
                assertThat(s.regionBits()).isEqualTo(GroupsConfig.REGIONS);
            } else {
                assertThat(s.count()).as("%s: u8 count of segment %d", at, s.index())
                        .isEqualTo(aRegionsPerSegment.getOrDefault(s.index(), 0)).isPositive();
                assertThat(s.regionBits()).isEqualTo(s.count());
            }
        }
        assertThat(census.groupBCommitted()).as("%s: Group B commits exactly its live blocks", at).isEqualTo(bBytes);
        assertThat(census.groupCBytes()).isEqualTo(cBytes);
        assertThat(a.stats().committedBytes()).as("%s: committed bytes", at).isEqualTo(census.committedBytes());
        assertThat(a.stats().liveCount()).isEqualTo(live.size());
    }
}
