package io.vakit.design.partitionsfast;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A pool: one part cut into items of one class, in the manner of mimalloc's pages. Items are handed out from a local
 * free list, else from a bump pointer that has not yet reached the end; frees by the owner push onto the local list.
 * Frees by other threads push the item onto the page's lock-free remote stack, which the owner takes whole and adds to
 * its local list. Each item has a state byte (UNUSED, LIVE, FREED, REMOTE): every free claims its item with one
 * compare-and-set from LIVE, so of two frees of one block exactly one wins, whatever threads make them; an item freed
 * stays FREED (or REMOTE) until it is handed out again, so a second free of it is refused as DOUBLE. The lists are threaded through
 * an {@code int} array on the Java heap, one slot per item, never through the items: no path but a reallocation's
 * copy touches the memory the page hands out.
 *
 * <p>Only the owner thread changes {@link #bump}, {@link #freeHead} and {@link #used}; other threads touch only the
 * state bytes (LIVE to REMOTE), the link of an item they claimed, and {@link #remoteHead}.
 */
final class Page {
    /** Never handed out. */
    static final byte UNUSED = 0;
    static final byte LIVE = 1;
    /** Handed out and freed: on the local free list. */
    static final byte FREED = 3;
    /** Freed by another thread, on the remote stack, not yet taken back by the owner. */
    static final byte REMOTE = 2;
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(byte[].class);
    private static final VarHandle REMOTE_HEAD;
    private static final VarHandle NEXT_PENDING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            REMOTE_HEAD = l.findVarHandle(Page.class, "remoteHead", int.class);
            NEXT_PENDING = l.findVarHandle(Page.class, "nextPending", Page.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A page of no items, covering no address: the heap's {@code hot} page before it has one. */
    static final Page NONE = new Page(null, 0, 0, 0, 8, 0, -1);

    final FastSlice slice;
    final int arena;
    final int part;
    final int cls;
    final int itemBytes;
    final int capacity;
    /** The part's offset from the reservation's base, and the bytes its items span. */
    final long offset;
    final long span;
    /** {@code ceil(2^40 / itemBytes)}: an offset in the part divided by the item size without a division. */
    private final long reciprocal;
    private final byte[] state;
    private final int[] link;
    /** Items never handed out start here. */
    private int bump;
    /** The local free list (-1: empty). */
    private int freeHead = -1;
    /** Items LIVE or REMOTE. */
    int used;
    /** The remote stack (-1: empty). */
    @SuppressWarnings("unused")
    private volatile int remoteHead = -1;
    /** The next page in its heap's stack of pages with remote frees. */
    @SuppressWarnings("unused")
    private volatile Page nextPending;
    /** On its heap's list of pages with room; its class's current page (owner only). */
    boolean inRoom;
    boolean current;
    /** Its class's one kept empty page (owner only). */
    boolean kept;

    Page(FastSlice slice, int arena, int part, int cls, int itemBytes, int capacity, long offset) {
        this.slice = slice;
        this.arena = arena;
        this.part = part;
        this.cls = cls;
        this.itemBytes = itemBytes;
        this.capacity = capacity;
        this.offset = offset;
        this.span = (long) capacity * itemBytes;
        this.reciprocal = ((1L << 40) + itemBytes - 1) / itemBytes;
        this.state = new byte[capacity];
        this.link = new int[capacity];
    }

    /** The item an offset {@code inPart} into the part falls in (exact for parts up to 2^22 bytes and more). */
    int itemAt(long inPart) {
        return (int) ((inPart * reciprocal) >>> 40);
    }

    /** Hands out a free item, LIVE from now on; -1 when none is left. Owner only. */
    int take() {
        int i = freeHead;
        if (i >= 0) {
            freeHead = link[i];
        } else if (bump < capacity) {
            i = bump++;
        } else {
            return -1;
        }
        STATE.setOpaque(state, i, LIVE);
        used++;
        return i;
    }

    /** True when {@link #take} would give an item. Owner only. */
    boolean hasRoom() {
        return freeHead >= 0 || bump < capacity;
    }

    /** Claims live item {@code i} for a free (LIVE to {@code to}); false when it is not live. Any thread. */
    boolean claim(int i, byte to) {
        return STATE.compareAndSet(state, i, LIVE, to);
    }

    /** The state of item {@code i} now. Any thread. */
    byte state(int i) {
        return (byte) STATE.getOpaque(state, i);
    }

    /** Puts item {@code i}, claimed by its owner, on the local free list. Owner only. */
    void putLocal(int i) {
        link[i] = freeHead;
        freeHead = i;
        used--;
    }

    /** Pushes item {@code i}, claimed as REMOTE, on the remote stack; true when the stack was empty. Any thread. */
    boolean pushRemote(int i) {
        int seen;
        do {
            seen = (int) REMOTE_HEAD.getVolatile(this);
            link[i] = seen;
        } while (!REMOTE_HEAD.compareAndSet(this, seen, i));
        return seen < 0;
    }

    /** True when other threads freed items the owner has not taken back. Any thread. */
    boolean hasRemote() {
        return (int) REMOTE_HEAD.getVolatile(this) >= 0;
    }

    /** Takes the whole remote stack back onto the local free list; returns how many items. Owner only. */
    int collect() {
        int at = (int) REMOTE_HEAD.getAndSet(this, -1);
        int n = 0;
        while (at >= 0) {
            int next = link[at];
            STATE.setOpaque(state, at, FREED);
            link[at] = freeHead;
            freeHead = at;
            used--;
            n++;
            at = next;
        }
        return n;
    }

    Page nextPending() {
        return (Page) NEXT_PENDING.getVolatile(this);
    }

    void nextPending(Page next) {
        NEXT_PENDING.setVolatile(this, next);
    }
}
