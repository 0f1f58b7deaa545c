package io.vakit.design.partitions;

import io.vakit.ds.Binmap;

/**
 * A pool: one part cut into items of one class. Two binmaps (in the runtime FSA): {@code live}, the items handed out
 * and not freed; {@code used}, the items not free for reuse (live, or freed from another thread and not yet taken
 * back by the owner). Guarded by its owner heap's lock.
 */
final class Pool {
    final Slice slice;
    final int arena;
    final int part;
    final int cls;
    final long itemBytes;
    final int capacity;
    /** Offset of the part from the reservation's base. */
    final long offset;
    final Binmap live;
    final Binmap used;
    /** On its heap's list of pools with room. */
    boolean listed;
    /**
     * Items handed out since the pool was made: an item is always taken at the lowest index not in use, so these are
     * items 0 to {@code handedOut - 1}, and a free of one of them that is not live is a double free.
     */
    int handedOut;

    Pool(Slice slice, int arena, int part, int cls, long itemBytes, int capacity, long offset, Binmap live,
            Binmap used) {
        this.slice = slice;
        this.arena = arena;
        this.part = part;
        this.cls = cls;
        this.itemBytes = itemBytes;
        this.capacity = capacity;
        this.offset = offset;
        this.live = live;
        this.used = used;
    }

    boolean full() {
        return used.count() == capacity;
    }

    boolean empty() {
        return used.count() == 0;
    }
}
