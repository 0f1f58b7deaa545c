package io.vakit.design.groups;

import io.vakit.ds.Binmap;
import io.vakit.ds.IndexList;
import io.vakit.ds.InitArena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The seed's per-segment arrays, off heap in the control arena: a u8 count of regions in use, u16 next and previous
 * links, a u32 binmap of used regions, and an owner byte (free, Group A, or the Group B bin), plus the free-segment
 * binmap and the u32 heads of the segment lists, {@link IndexList}s of width U16 (list 0: Group A segments with a
 * free region; list 1 + b: Group B bin b segments with a free block). Not thread-safe: the allocator's lock guards
 * it.
 */
final class SegmentDirectory {
    /** No segment or region (what {@link #head} returns for an empty list). */
    static final int NIL = 0xFFFF;
    static final int FREE = 0;
    static final int GROUP_A = 1;

    private final MemorySegment count;
    private final IndexList[] lists;
    private final MemorySegment owner;
    private final Binmap[] regions;
    private final Binmap used;

    SegmentDirectory(InitArena control, int segments, int lists) {
        this.count = control.allocate(segments, 1);
        MemorySegment links = control.allocate(4L * segments, 4); // u16 next at 0, u16 previous at 2
        this.owner = control.allocate(segments, 1);
        MemorySegment regionWords = control.allocate(4L * segments, 4);
        this.regions = new Binmap[segments];
        for (int s = 0; s < segments; s++) {
            regions[s] = Binmap.over(regionWords.asSlice(4L * s, 4), GroupsConfig.REGIONS, Binmap.WordSize.W32);
        }
        this.used = Binmap.over(control.allocate(Binmap.bytesFor(segments, Binmap.WordSize.W32), 8), segments,
                Binmap.WordSize.W32);
        MemorySegment heads = control.allocate(4L * lists, 4);
        this.lists = new IndexList[lists];
        for (int l = 0; l < lists; l++) {
            this.lists[l] = new IndexList(IndexList.Width.U16, links.address(), 4, 0, 2, heads.asSlice(4L * l, 4));
            this.lists[l].clear();
        }
    }

    /** Hands out the lowest free segment to {@code newOwner}, or returns -1 when none is free. */
    int take(int newOwner) {
        int s = (int) used.findAndSet();
        if (s >= 0) {
            owner.set(ValueLayout.JAVA_BYTE, s, (byte) newOwner);
            count.set(ValueLayout.JAVA_BYTE, s, (byte) 0);
        }
        return s;
    }

    /** Returns segment {@code s}, which must be empty and in no list, to the free pool. */
    void give(int s) {
        owner.set(ValueLayout.JAVA_BYTE, s, (byte) FREE);
        count.set(ValueLayout.JAVA_BYTE, s, (byte) 0);
        regions[s].reset();
        used.clear(s);
    }

    int owner(int s) {
        return Byte.toUnsignedInt(owner.get(ValueLayout.JAVA_BYTE, s));
    }

    int count(int s) {
        return Byte.toUnsignedInt(count.get(ValueLayout.JAVA_BYTE, s));
    }

    void setCount(int s, int n) {
        count.set(ValueLayout.JAVA_BYTE, s, (byte) n);
    }

    /** The binmap of segment {@code s}'s used regions. */
    Binmap regions(int s) {
        return regions[s];
    }

    /** The first segment of {@code list}, or {@link #NIL}. */
    int head(int list) {
        long s = lists[list].first();
        return s == IndexList.NONE ? NIL : (int) s;
    }

    /** Pushes {@code s}, in no list, on the front of {@code list}. */
    void push(int list, int s) {
        lists[list].pushFront(s);
    }

    /** Unlinks {@code s} from {@code list}, which holds it. O(1). */
    void remove(int list, int s) {
        lists[list].remove(s);
    }

    /** The segments of {@code list} in order (for checks). */
    long[] members(int list) {
        return lists[list].toArray();
    }
}
