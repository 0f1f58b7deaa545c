package io.vakit.design.sized;

import io.vakit.ds.IndexList;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The blocks of one (family, class), behind one lock: the seed's per-size head structure. Blocks with free slots
 * form a doubly linked list through their headers ({@code prev}, {@code next} hold block addresses: an
 * {@link IndexList} of width ADDRESS, its head on the heap); a block that
 * fills leaves the list and comes back on its first free. A slot comes from the block's intrusive free list, else
 * from its bump index ({@code used}).
 */
final class BlockHeap {
    private static final long PREV = 0;
    private static final long NEXT = 8;
    private static final long RAW = 16;
    private static final long USED = 24;

    final int family;
    final int cls;
    final SizedLayout layout;
    final ReentrantLock lock = new ReentrantLock();
    private final int w;
    private final long nil;
    /** The blocks with a free slot, most recently given room first. */
    private final IndexList withRoom = new IndexList(IndexList.Width.ADDRESS, 0, 1, NEXT, PREV,
            MemorySegment.ofArray(new long[1]));
    private int blocks;
    private long liveSlots;
    /** True once the heap has had a block (the idle rule counts one kept block per heap used). */
    volatile boolean used;

    BlockHeap(int family, int cls, SizedLayout layout) {
        this.family = family;
        this.cls = cls;
        this.layout = layout;
        this.w = layout.indexBytes();
        this.nil = layout.slot() == 1 ? 255 : (1L << (8 * w)) - 1;
    }

    /** Takes a slot, making a block when none has room. Returns its address. Caller does not hold the lock. */
    long allocate(SizedSpace space, String op) {
        lock.lock();
        try {
            if (withRoom.isEmpty()) {
                SizedBlock b = space.newBlock(this, op);
                initHeader(b);
                blocks++;
                used = true;
                push(b);
            }
            SizedBlock b = space.block(withRoom.first());
            long index = layout.slot() == 1 ? takeByte(b) : take(b);
            b.live.set(index);
            liveSlots++;
            if (count(b) == layout.capacity()) {
                unlink(b);
            }
            return b.base() + layout.slotOffset(index);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Frees the slot at {@code address} of block {@code b} (already known to be of this heap).
     *
     * @throws InvalidFreeException for an interior, free or never-used slot; nothing changes
     */
    void free(SizedSpace space, SizedBlock b, long address, String op, String design) {
        lock.lock();
        try {
            if (b.released) {
                throw new InvalidFreeException(design, op, Reason.UNKNOWN, "the block was released after it emptied");
            }
            long index = b.slotIndex(address);
            if (index < 0) {
                long inside = b.containingSlot(address);
                boolean interior = inside >= 0 && b.live.get(inside);
                throw new InvalidFreeException(design, op, interior ? Reason.INTERIOR : Reason.UNKNOWN, interior
                        ? "inside live slot " + inside + " of the " + layout.slot() + "-byte block at 0x"
                                + Long.toHexString(b.base())
                        : "not a slot start of the " + layout.slot() + "-byte block at 0x" + Long.toHexString(b.base()));
            }
            Reason free = freedReason(b, index);
            if (free != null) {
                throw new InvalidFreeException(design, op, free,
                        "slot " + index + " of the " + layout.slot() + "-byte block at 0x" + Long.toHexString(b.base())
                                + " is free");
            }
            boolean wasFull = count(b) == layout.capacity();
            if (layout.slot() == 1) {
                putByte(b, index);
            } else {
                put(b, index);
            }
            b.live.clear(index);
            liveSlots--;
            if (wasFull) {
                push(b); // the seed's bug was here: it re-linked the block but lost the slot
            }
            if (count(b) == 0 && space.policy().release(blocks, liveSlots, layout.capacity())) {
                unlink(b);
                blocks--;
                space.release(b);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Why a free of slot {@code index} of {@code b} is refused when the slot is free: DOUBLE when it was handed out
     * before (below the bump mark), UNKNOWN when it never was or the block was released; null while it is live.
     */
    Reason freeSlotReason(SizedBlock b, long index) {
        lock.lock();
        try {
            return b.released ? Reason.UNKNOWN : freedReason(b, index);
        } finally {
            lock.unlock();
        }
    }

    /** The reason a free of slot {@code index} is refused, or null while it is live (the lock is held). */
    private Reason freedReason(SizedBlock b, long index) {
        return b.live.get(index) ? null : wasUsed(b, index) ? Reason.DOUBLE : Reason.UNKNOWN;
    }

    /** True when the live slot of {@code address} in {@code b} is live; for owner lookup. */
    boolean isLive(SizedBlock b, long index) {
        lock.lock();
        try {
            return !b.released && b.live.get(index);
        } finally {
            lock.unlock();
        }
    }

    int blocks() {
        lock.lock();
        try {
            return blocks;
        } finally {
            lock.unlock();
        }
    }

    long liveSlots() {
        lock.lock();
        try {
            return liveSlots;
        } finally {
            lock.unlock();
        }
    }

    // ---- slots of 2 bytes and more: one header, u16/u32 indices, links in the freed slots

    private long take(SizedBlock b) {
        MemorySegment m = b.memory;
        long free = index(m, USED + 2L * w);
        long index;
        if (free != nil) {
            index = free;
            setIndex(m, USED + 2L * w, link(m, layout.slotOffset(index)));
        } else {
            index = index(m, USED);
            setIndex(m, USED, index + 1);
        }
        setIndex(m, USED + w, index(m, USED + w) + 1);
        return index;
    }

    private void put(SizedBlock b, long index) {
        MemorySegment m = b.memory;
        setLink(m, layout.slotOffset(index), index(m, USED + 2L * w));
        setIndex(m, USED + 2L * w, index);
        setIndex(m, USED + w, index(m, USED + w) - 1);
    }

    // ---- size 1: a page of 16 groups of 250 one-byte slots, u8 indices within a group

    private static long groupHeader(long g) {
        return 32 + g * 254;
    }

    private long takeByte(SizedBlock b) {
        MemorySegment m = b.memory;
        for (long g = 0; g < 16; g++) {
            long h = groupHeader(g);
            int free = Byte.toUnsignedInt(m.get(ValueLayout.JAVA_BYTE, h));
            int used = Byte.toUnsignedInt(m.get(ValueLayout.JAVA_BYTE, h + 1));
            long local;
            if (free != 255) {
                local = free;
                m.set(ValueLayout.JAVA_BYTE, h, m.get(ValueLayout.JAVA_BYTE, h + 4 + local));
            } else if (used < 250) {
                local = used;
                m.set(ValueLayout.JAVA_BYTE, h + 1, (byte) (used + 1));
            } else {
                continue;
            }
            m.set(ValueLayout.JAVA_BYTE, h + 2, (byte) (m.get(ValueLayout.JAVA_BYTE, h + 2) + 1));
            m.set(ValueLayout.JAVA_SHORT, USED, (short) (m.get(ValueLayout.JAVA_SHORT, USED) + 1));
            return g * 250 + local;
        }
        throw new IllegalStateException("size-1 page on the free list has no free slot");
    }

    private void putByte(SizedBlock b, long index) {
        MemorySegment m = b.memory;
        long h = groupHeader(index / 250);
        long local = index % 250;
        m.set(ValueLayout.JAVA_BYTE, h + 4 + local, m.get(ValueLayout.JAVA_BYTE, h));
        m.set(ValueLayout.JAVA_BYTE, h, (byte) local);
        m.set(ValueLayout.JAVA_BYTE, h + 2, (byte) (m.get(ValueLayout.JAVA_BYTE, h + 2) - 1));
        m.set(ValueLayout.JAVA_SHORT, USED, (short) (m.get(ValueLayout.JAVA_SHORT, USED) - 1));
    }

    // ---- the header

    private void initHeader(SizedBlock b) {
        MemorySegment m = b.memory;
        m.set(ValueLayout.JAVA_LONG, PREV, 0);
        m.set(ValueLayout.JAVA_LONG, NEXT, 0);
        m.set(ValueLayout.JAVA_LONG, RAW, b.base());
        if (layout.slot() == 1) {
            m.set(ValueLayout.JAVA_SHORT, USED, (short) 0);
            for (long g = 0; g < 16; g++) {
                m.set(ValueLayout.JAVA_BYTE, groupHeader(g), (byte) 255);
                m.set(ValueLayout.JAVA_BYTE, groupHeader(g) + 1, (byte) 0);
                m.set(ValueLayout.JAVA_BYTE, groupHeader(g) + 2, (byte) 0);
            }
        } else {
            setIndex(m, USED, 0);
            setIndex(m, USED + w, 0);
            setIndex(m, USED + 2L * w, nil);
        }
    }

    private long count(SizedBlock b) {
        return layout.slot() == 1 ? Short.toUnsignedLong(b.memory.get(ValueLayout.JAVA_SHORT, USED))
                : index(b.memory, USED + w);
    }

    private boolean wasUsed(SizedBlock b, long index) {
        if (layout.slot() == 1) {
            return index % 250 < Byte.toUnsignedInt(b.memory.get(ValueLayout.JAVA_BYTE, groupHeader(index / 250) + 1));
        }
        return index < index(b.memory, USED);
    }

    private void push(SizedBlock b) {
        withRoom.pushFront(b.base());
    }

    private void unlink(SizedBlock b) {
        withRoom.remove(b.base());
        b.memory.set(ValueLayout.JAVA_LONG, PREV, 0);
        b.memory.set(ValueLayout.JAVA_LONG, NEXT, 0);
    }

    private long index(MemorySegment m, long offset) {
        return w == 2 ? Short.toUnsignedLong(m.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset))
                : Integer.toUnsignedLong(m.get(ValueLayout.JAVA_INT_UNALIGNED, offset));
    }

    private void setIndex(MemorySegment m, long offset, long value) {
        if (w == 2) {
            m.set(ValueLayout.JAVA_SHORT_UNALIGNED, offset, (short) value);
        } else {
            m.set(ValueLayout.JAVA_INT_UNALIGNED, offset, (int) value);
        }
    }

    private long link(MemorySegment m, long slotOffset) {
        return index(m, slotOffset);
    }

    private void setLink(MemorySegment m, long slotOffset, long value) {
        setIndex(m, slotOffset, value);
    }
}
