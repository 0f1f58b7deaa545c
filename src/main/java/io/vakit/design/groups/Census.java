package io.vakit.design.groups;

import java.util.ArrayList;
import java.util.List;

/**
 * What the bookkeeping of a {@code groups} allocator says at one moment: the segments and regions in use, the
 * committed chunks, spares and retained empty units, and the bytes behind {@code stats().committedBytes()}.
 *
 * @param segments the segments in use
 * @param regions the Group A regions in use
 * @param retainedRegions per Group A bin, the empty region it keeps, or -1
 * @param retainedSegments per Group B bin, the empty segment it keeps, or -1
 * @param committedChunks Group A chunks committed
 * @param groupBCommitted bytes of Group B blocks committed
 * @param groupCBytes bytes of Group C mappings
 * @param controlCommitted bytes of the control arena committed
 * @param fsaCommitted bytes the FSA of item binmaps has committed
 * @param segmentLists the segment lists walked in order (0: Group A segments with a free region; 1 + b: Group B
 *     bin b's segments with a free block)
 * @param binLists per Group A bin, its regions with a free item, walked in order
 */
public record Census(List<SegmentView> segments, List<RegionView> regions, List<Integer> retainedRegions,
        List<Integer> retainedSegments, long committedChunks, long groupBCommitted, long groupCBytes, long controlCommitted,
        long fsaCommitted, List<List<Long>> segmentLists, List<List<Long>> binLists) {

    /**
     * A segment in use.
     *
     * @param index its index
     * @param groupB true for Group B
     * @param bBin its Group B bin, or -1
     * @param count its u8 count of regions in use
     * @param regionBits its u32 binmap of used regions, as a count
     */
    public record SegmentView(int index, boolean groupB, int bBin, int count, long regionBits) {}

    /**
     * A Group A region in use.
     *
     * @param index its global index, {@code segment * 32 + region}
     * @param bin its bin (class)
     * @param liveItems its live items
     * @param spareChunk its spare chunk, or -1
     * @param committedChunks its committed chunks
     */
    public record RegionView(int index, int bin, int liveItems, int spareChunk, long committedChunks) {}

    static Census of(GroupsConfig config, SegmentDirectory dir, GroupA a, GroupB b, io.vakit.ds.MappingTable c, GroupsSpace space) {
        List<SegmentView> segments = new ArrayList<>();
        List<RegionView> regions = new ArrayList<>();
        for (int s = 0; s < config.segments(); s++) {
            int owner = dir.owner(s);
            if (owner == SegmentDirectory.FREE) {
                continue;
            }
            boolean isB = owner != SegmentDirectory.GROUP_A;
            segments.add(new SegmentView(s, isB, isB ? b.bin(s) : -1, dir.count(s), dir.regions(s).count()));
            if (!isB) {
                for (int r = 0; r < GroupsConfig.REGIONS; r++) {
                    int g = s * GroupsConfig.REGIONS + r;
                    if (a.inUse(g)) {
                        regions.add(new RegionView(g, a.bin(g), a.liveItems(g), a.spare(g), a.committedCount(g)));
                    }
                }
            }
        }
        List<Integer> retainedA = new ArrayList<>();
        for (int i = 0; i < GroupA.BINS; i++) {
            retainedA.add(a.retained(i));
        }
        List<Integer> retainedB = new ArrayList<>();
        for (int i = 0; i < config.bBins(); i++) {
            retainedB.add(b.retained(i));
        }
        List<List<Long>> segmentLists = new ArrayList<>();
        for (int l = 0; l < 1 + config.bBins(); l++) {
            segmentLists.add(java.util.Arrays.stream(dir.members(l)).boxed().toList());
        }
        List<List<Long>> binLists = new ArrayList<>();
        for (int bin = 0; bin < GroupA.BINS; bin++) {
            binLists.add(java.util.Arrays.stream(a.members(bin)).boxed().toList());
        }
        return new Census(List.copyOf(segments), List.copyOf(regions), List.copyOf(retainedA), List.copyOf(retainedB), a.committedChunks(),
                b.committedBytes(), c.bytes(), space.control.committed(), space.fsa.committedBytes(),
                List.copyOf(segmentLists), List.copyOf(binLists));
    }

    /** Bookkeeping slots committed: one per Group A region and per Group B segment in use. */
    public long slotsCommitted() {
        return regions.size() + segments.stream().filter(SegmentView::groupB).count();
    }

    /** What {@code stats().committedBytes()} must be, from the parts (spec/groups.md, invariant 5). */
    public long committedBytes() {
        return controlCommitted + slotsCommitted() * GroupsConfig.SLOT + (committedChunks << GroupsConfig.CHUNK_SHIFT)
                + groupBCommitted + groupCBytes + fsaCommitted;
    }
}
