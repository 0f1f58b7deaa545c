package io.vakit.design.partitionsfast;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A block that is a whole unit: a part of a row (up to row 5's part) or a whole arena. Its state is claimed by compare
 * and set: a free moves it from LIVE to FREE (by its owner, which gives it back at once) or to PENDING (by another
 * thread, which queues it for the owner), so of two frees of it exactly one wins.
 */
final class WholeBlock {
    static final int FREE = 0;
    static final int LIVE = 1;
    static final int PENDING = 2;

    final FastSlice slice;
    final int arena;
    /** The part, or -1 for a whole arena. */
    final int part;
    /** Its offset from the reservation's base, and its size. */
    final long offset;
    final long bytes;
    private final AtomicInteger state = new AtomicInteger(LIVE);

    WholeBlock(FastSlice slice, int arena, int part, long offset, long bytes) {
        this.slice = slice;
        this.arena = arena;
        this.part = part;
        this.offset = offset;
        this.bytes = bytes;
    }

    boolean wholeArena() {
        return part < 0;
    }

    /** Claims the live block for a free (LIVE to {@code to}); false when it is not live. */
    boolean claim(int to) {
        return state.compareAndSet(LIVE, to);
    }

    int state() {
        return state.get();
    }

    /** The owner has given it back (FREE): it may stay in its slots until new units take them. */
    void gone() {
        state.set(FREE);
    }
}
