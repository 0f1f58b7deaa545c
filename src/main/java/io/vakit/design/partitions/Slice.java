package io.vakit.design.partitions;

import io.vakit.ds.Binmap;

/**
 * A slice of partition {@code row}: {@code arenasPerSlice} arenas, owned by one thread's heap at a time. Each arena is
 * FREE, cut into PARTS (a binmap of its 64 parts in the FSA; each part FREE, a POOL or one block: PART), or one
 * block (WHOLE). A block of a part or a whole arena is LIVE, or PENDING once freed from another thread until its
 * owner takes it back. Guarded by the owner heap's lock.
 */
final class Slice {
    static final byte FREE = 0;
    static final byte PARTS = 1;
    static final byte WHOLE = 2;
    static final byte POOL = 3;
    static final byte PART = 4;
    static final byte LIVE = 1;
    static final byte PENDING = 2;

    final int row;
    final int index;
    /** Offset of the slice from the reservation's base. */
    final long offset;
    /** Its heap: changed only under the old owner's lock (adoption). */
    volatile ThreadHeap owner;
    final Binmap arenas;
    final byte[] arenaKind;
    final byte[] wholeState;
    final Binmap[] parts;
    final byte[][] partKind;
    final byte[][] partState;
    final Pool[][] pools;
    /** Units in use: pools (empty ones included), part blocks and whole arenas. */
    int units;

    Slice(int row, int index, long offset, ThreadHeap owner, Binmap arenas, int arenaCount) {
        this.row = row;
        this.index = index;
        this.offset = offset;
        this.owner = owner;
        this.arenas = arenas;
        this.arenaKind = new byte[arenaCount];
        this.wholeState = new byte[arenaCount];
        this.parts = new Binmap[arenaCount];
        this.partKind = new byte[arenaCount][];
        this.partState = new byte[arenaCount][];
        this.pools = new Pool[arenaCount][];
    }
}
