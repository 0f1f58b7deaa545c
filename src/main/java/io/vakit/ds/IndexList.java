package io.vakit.ds;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A doubly linked list whose nodes are named by numbers and whose links live off heap, in the nodes' own records:
 * the index-linked lists of the seeds (seed 000's u8 chunk and u16 block links, seed 001's u16 segment and region
 * links, seed 003's block pointers). Node {@code n}'s record is at {@code base + n * stride}; its next and previous
 * links are {@link Width} bytes at two offsets of it. The list's head is a field of its own, in a segment its owner
 * gives (off heap, or a heap segment).
 *
 * <p>The sentinel. A u8 link can name 256 nodes and a u16 link 65536, every value a node: a link has no room for an
 * end marker, and seed 000's 256 chunks per block and 65536 blocks per segment use every value. So the index lists
 * are circular (the last node's next is the first), and only the head, one size wider than a link, says "empty":
 * <ul>
 *   <li>{@link Width#U8}: nodes 0 to 255; a u16 head, empty at {@value #EMPTY8}.
 *   <li>{@link Width#U16}: nodes 0 to 65535; a u32 head, empty at {@code 0xFFFFFFFF}.
 *   <li>{@link Width#ADDRESS}: nodes named by their address (base 0, stride 1), never 0; a linear list ending in
 *       0, with an 8-byte head, empty at 0.
 * </ul>
 * Nothing is kept on the heap: the list is what its memory says. Not thread-safe: its owner's lock guards it.
 */
public final class IndexList {
    /** The width of a link. */
    public enum Width {
        /** u8 links: nodes 0 to 255, circular, a 2-byte head. */
        U8(1, 256, 2),
        /** u16 links: nodes 0 to 65535, circular, a 4-byte head. */
        U16(2, 65536, 4),
        /** 64-bit links naming nodes by address, ending in 0, an 8-byte head. */
        ADDRESS(8, Long.MAX_VALUE, 8);

        final int bytes;
        final long capacity;
        final int headBytes;

        Width(int bytes, long capacity, int headBytes) {
            this.bytes = bytes;
            this.capacity = capacity;
            this.headBytes = headBytes;
        }

        /** The most nodes a list of this width can name. */
        public long capacity() {
            return capacity;
        }

        /** The bytes of a list's head. */
        public int headBytes() {
            return headBytes;
        }

        /** The bytes of a link. */
        public int linkBytes() {
            return bytes;
        }
    }

    /** The empty head of a u8 list. */
    public static final int EMPTY8 = 0xFFFF;
    /** What {@link #first} and {@link #next} return at the end. */
    public static final long NONE = -1;

    private final Width width;
    private final long base;
    private final long stride;
    private final long nextOffset;
    private final long prevOffset;
    private final MemorySegment head;

    /**
     * A list over records at {@code base + n * stride} whose links are at {@code nextOffset} and {@code prevOffset},
     * with its head in the first {@link Width#headBytes()} bytes of {@code head} (off heap, or a heap segment). The
     * head is not touched: {@link #clear} makes a new list empty.
     */
    public IndexList(Width width, long base, long stride, long nextOffset, long prevOffset, MemorySegment head) {
        if (head.byteSize() < width.headBytes) {
            throw new IllegalArgumentException("IndexList(" + width + "): the head needs " + width.headBytes
                    + " bytes, got " + head.byteSize());
        }
        this.width = width;
        this.base = base;
        this.stride = stride;
        this.nextOffset = nextOffset;
        this.prevOffset = prevOffset;
        this.head = head;
    }

    /** Makes the list empty (its nodes' links are left as they are). */
    public void clear() {
        setHead(NONE);
    }

    /** Whether the list is empty. */
    public boolean isEmpty() {
        return first() == NONE;
    }

    /** The first node, or {@link #NONE}. */
    public long first() {
        return switch (width) {
            case U8 -> {
                int h = Short.toUnsignedInt(head.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
                yield h == EMPTY8 ? NONE : h;
            }
            case U16 -> {
                long h = Integer.toUnsignedLong(head.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
                yield h == 0xFFFF_FFFFL ? NONE : h;
            }
            case ADDRESS -> {
                long h = head.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                yield h == 0 ? NONE : h;
            }
        };
    }

    /** The node after {@code n} (which must be in the list), or {@link #NONE} at the end. */
    public long next(long n) {
        long x = link(n, nextOffset);
        return circular() ? (x == first() ? NONE : x) : x;
    }

    /** The node before {@code n} (which must be in the list), or {@link #NONE} when it is first. */
    public long previous(long n) {
        return circular() ? (n == first() ? NONE : link(n, prevOffset)) : link(n, prevOffset);
    }

    /** The last node, or {@link #NONE}. */
    public long last() {
        long h = first();
        if (h == NONE || circular()) {
            return h == NONE ? NONE : link(h, prevOffset);
        }
        long at = h;
        for (long n = link(at, nextOffset); n != NONE; n = link(n, nextOffset)) {
            at = n;
        }
        return at;
    }

    /** The nodes in order, walking the links (for checks; O(length)). */
    public long[] toArray() {
        java.util.ArrayList<Long> out = new java.util.ArrayList<>();
        for (long n = first(); n != NONE; n = next(n)) {
            out.add(n);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private boolean circular() {
        return width != Width.ADDRESS;
    }

    /** Puts node {@code n}, which must be in no list, first. */
    public void pushFront(long n) {
        check(n);
        long h = first();
        if (circular()) {
            if (h == NONE) {
                setLink(n, nextOffset, n);
                setLink(n, prevOffset, n);
            } else {
                long last = link(h, prevOffset);
                setLink(n, nextOffset, h);
                setLink(n, prevOffset, last);
                setLink(last, nextOffset, n);
                setLink(h, prevOffset, n);
            }
        } else {
            setLink(n, nextOffset, h);
            setLink(n, prevOffset, NONE);
            if (h != NONE) {
                setLink(h, prevOffset, n);
            }
        }
        setHead(n);
    }

    /** Puts node {@code n}, which must be in no list, last (O(1) for an index list, a walk for ADDRESS). */
    public void pushBack(long n) {
        long h = first();
        if (h == NONE) {
            pushFront(n);
            return;
        }
        check(n);
        if (circular()) {
            pushFront(n);
            setHead(h); // in a circle, the node before the head is the last
            return;
        }
        long last = last();
        setLink(last, nextOffset, n);
        setLink(n, prevOffset, last);
        setLink(n, nextOffset, NONE);
    }

    /** Takes node {@code n}, which must be in this list, out of it. */
    public void remove(long n) {
        long next = link(n, nextOffset);
        long prev = link(n, prevOffset);
        if (circular()) {
            if (next == n) {
                setHead(NONE);
                return;
            }
            setLink(prev, nextOffset, next);
            setLink(next, prevOffset, prev);
            if (first() == n) {
                setHead(next);
            }
            return;
        }
        if (prev == NONE) {
            setHead(next);
        } else {
            setLink(prev, nextOffset, next);
        }
        if (next != NONE) {
            setLink(next, prevOffset, prev);
        }
    }

    /** Takes the first node out and returns it, or {@link #NONE} when empty. */
    public long popFront() {
        long h = first();
        if (h != NONE) {
            remove(h);
        }
        return h;
    }

    private void check(long n) {
        boolean ok = width == Width.ADDRESS ? n != 0 : n >= 0 && n < width.capacity;
        if (!ok) {
            throw new IllegalArgumentException("IndexList(" + width + "): node " + n + " cannot be named"
                    + (width == Width.ADDRESS ? " (0 ends the list)" : " (0 .. " + (width.capacity - 1) + ")"));
        }
    }

    private long link(long n, long offset) {
        MemorySegment r = MemorySegment.ofAddress(base + n * stride + offset).reinterpret(width.bytes);
        return switch (width) {
            case U8 -> Byte.toUnsignedInt(r.get(ValueLayout.JAVA_BYTE, 0));
            case U16 -> Short.toUnsignedInt(r.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0));
            case ADDRESS -> {
                long x = r.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
                yield x == 0 ? NONE : x;
            }
        };
    }

    private void setLink(long n, long offset, long value) {
        MemorySegment r = MemorySegment.ofAddress(base + n * stride + offset).reinterpret(width.bytes);
        switch (width) {
            case U8 -> r.set(ValueLayout.JAVA_BYTE, 0, (byte) value);
            case U16 -> r.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) value);
            case ADDRESS -> r.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, value == NONE ? 0 : value);
        }
    }

    private void setHead(long n) {
        switch (width) {
            case U8 -> head.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) (n == NONE ? EMPTY8 : n));
            case U16 -> head.set(ValueLayout.JAVA_INT_UNALIGNED, 0, (int) (n == NONE ? 0xFFFF_FFFFL : n));
            case ADDRESS -> head.set(ValueLayout.JAVA_LONG_UNALIGNED, 0, n == NONE ? 0 : n);
        }
    }
}
