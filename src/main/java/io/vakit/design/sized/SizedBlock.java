package io.vakit.design.sized;

import io.vakit.ds.Binmap;
import io.vakit.pal.Reservation;
import java.lang.foreign.MemorySegment;

/**
 * One block of one (family, class): its reservation (aligned to its size), its header and slots in it, and the
 * live-slot binmap kept beside it. Guarded by its heap's lock.
 */
final class SizedBlock {
    final int family;
    final int cls;
    final SizedLayout layout;
    final Reservation space;
    final MemorySegment memory;
    final Binmap live;
    boolean released;

    SizedBlock(int family, int cls, SizedLayout layout, Reservation space, Binmap live) {
        this.family = family;
        this.cls = cls;
        this.layout = layout;
        this.space = space;
        this.memory = space.segment(0, space.size());
        this.live = live;
    }

    long base() {
        return space.base();
    }

    /** The slot index of {@code address}, or -1 when it is not a slot start inside this block. */
    long slotIndex(long address) {
        long offset = address - base();
        SizedLayout l = layout;
        if (l.slot() == 1) {
            long inPage = offset - 32;
            if (inPage < 0) {
                return -1;
            }
            long group = inPage / 254;
            long inGroup = inPage % 254 - 4;
            return group < 16 && inGroup >= 0 ? group * 250 + inGroup : -1;
        }
        long inSlots = offset - l.headerBytes();
        if (inSlots < 0 || inSlots % l.slot() != 0 || inSlots / l.slot() >= l.capacity()) {
            return -1;
        }
        return inSlots / l.slot();
    }

    /** The index of the slot containing {@code address}, or -1 in the header or past the slots. */
    long containingSlot(long address) {
        long offset = address - base();
        if (layout.slot() == 1) {
            return slotIndex(address);
        }
        long inSlots = offset - layout.headerBytes();
        return inSlots < 0 || inSlots / layout.slot() >= layout.capacity() ? -1 : inSlots / layout.slot();
    }
}
