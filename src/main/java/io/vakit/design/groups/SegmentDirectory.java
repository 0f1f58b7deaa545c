package io.vakit.design.groups;

import io.vakit.ds.Binmap;
import io.vakit.ds.InitArena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The seed's per-segment arrays, off heap in the control arena: a u8 count of regions in use, a u16 link, a u32
 * binmap of used regions, and an owner byte (free, Group A, or the Group B bin), plus the free-segment binmap and
 * the heads of the segment lists (list 0: Group A segments with a free region; list 1 + b: Group B bin b segments
 * with a free block). Not thread-safe: the allocator's lock guards it.
 */
final class SegmentDirectory {
    static final int NIL = 0xFFFF;
    static final int FREE = 0;
    static final int GROUP_A = 1;

    private final MemorySegment count;
    private final MemorySegment next;
    private final MemorySegment owner;
    private final MemorySegment heads;
    private final Binmap[] regions;
    private final Binmap used;

    SegmentDirectory(InitArena control, int segments, int lists) {
        this.count = control.allocate(segments, 1);
        this.next = control.allocate(2L * segments, 2);
        this.owner = control.allocate(segments, 1);
        MemorySegment regionWords = control.allocate(4L * segments, 4);
        this.regions = new Binmap[segments];
        for (int s = 0; s < segments; s++) {
            regions[s] = Binmap.over(regionWords.asSlice(4L * s, 4), GroupsConfig.REGIONS, Binmap.WordSize.W32);
        }
        this.used = Binmap.over(control.allocate(Binmap.bytesFor(segments, Binmap.WordSize.W32), 8), segments,
                Binmap.WordSize.W32);
        this.heads = control.allocate(2L * lists, 2);
        for (int l = 0; l < lists; l++) {
            heads.set(ValueLayout.JAVA_SHORT, 2L * l, (short) NIL);
        }
    }

    /** Hands out the lowest free segment to {@code newOwner}, or returns -1 when none is free. */
    int take(int newOwner) {
        int s = (int) used.findAndSet();
        if (s >= 0) {
            owner.set(ValueLayout.JAVA_BYTE, s, (byte) newOwner);
            count.set(ValueLayout.JAVA_BYTE, s, (byte) 0);
            next.set(ValueLayout.JAVA_SHORT, 2L * s, (short) NIL);
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

    int head(int list) {
        return Short.toUnsignedInt(heads.get(ValueLayout.JAVA_SHORT, 2L * list));
    }

    /** Pushes {@code s} on the front of {@code list}. */
    void push(int list, int s) {
        next.set(ValueLayout.JAVA_SHORT, 2L * s, (short) head(list));
        heads.set(ValueLayout.JAVA_SHORT, 2L * list, (short) s);
    }

    /** Unlinks {@code s} from {@code list}, walking the u16 links (at most {@code segments} steps). */
    void remove(int list, int s) {
        int prev = NIL;
        for (int at = head(list); at != NIL; prev = at, at = link(at)) {
            if (at == s) {
                if (prev == NIL) {
                    heads.set(ValueLayout.JAVA_SHORT, 2L * list, (short) link(s));
                } else {
                    next.set(ValueLayout.JAVA_SHORT, 2L * prev, (short) link(s));
                }
                next.set(ValueLayout.JAVA_SHORT, 2L * s, (short) NIL);
                return;
            }
        }
        throw new IllegalStateException("segment " + s + " is not in list " + list);
    }

    private int link(int s) {
        return Short.toUnsignedInt(next.get(ValueLayout.JAVA_SHORT, 2L * s));
    }
}
