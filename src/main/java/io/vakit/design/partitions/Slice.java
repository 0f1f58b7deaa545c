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
    /** The arenas in use (in the FSA). */
    final Binmap arenas;
    private final Arena[] arena;
    /** Units in use: pools (empty ones included), part blocks and whole arenas. */
    int units;

    Slice(int row, int index, long offset, ThreadHeap owner, Binmap arenas, int arenaCount) {
        this.row = row;
        this.index = index;
        this.offset = offset;
        this.owner = owner;
        this.arenas = arenas;
        this.arena = new Arena[arenaCount];
        for (int a = 0; a < arenaCount; a++) {
            arena[a] = new Arena();
        }
    }

    /** Arena {@code a} of the slice. */
    Arena arena(int a) {
        return arena[a];
    }

    /** The number of arenas. */
    int arenaCount() {
        return arena.length;
    }

    /** One arena of a slice: FREE, cut into PARTS, or one WHOLE block and that block's state. */
    static final class Arena {
        byte kind = FREE;
        /** The state of its whole block (LIVE, PENDING), while WHOLE. */
        byte state;
        /** True once the arena was one whole block: a free at its start while it is free is a double free. */
        boolean handedOut;
        /** The parts in use (in the FSA), while PARTS. */
        Binmap partMap;
        /** Its parts, while PARTS; each made when first asked for (null: free, never used). */
        private Part[] parts;

        /** Cuts the arena into parts, all free; {@code map} numbers those in use. */
        void openParts(Binmap map) {
            kind = PARTS;
            partMap = map;
            parts = new Part[(int) map.capacity()];
        }

        /** The arena is free again. */
        void closeParts() {
            kind = FREE;
            partMap = null;
            parts = null;
        }

        /** Part {@code p}, while PARTS. */
        Part part(int p) {
            Part part = parts[p];
            if (part == null) {
                part = new Part();
                parts[p] = part;
            }
            return part;
        }

        /** The number of parts, while PARTS. */
        int partCount() {
            return parts.length;
        }
    }

    /** One part of an arena: FREE, a POOL of items, or one block (PART) and that block's state. */
    static final class Part {
        byte kind = FREE;
        /** The state of its one block (LIVE, PENDING), while PART. */
        byte state;
        /**
         * True once the part was a block or a pool (whose first item starts where the part does), while its arena
         * stays cut into parts: a free at its start while it is free is a double free.
         */
        boolean handedOut;
        /** Its pool, while POOL. */
        Pool pool;

        /** The part is free again. */
        void clear() {
            kind = FREE; // handedOut stays: the part's start was a block's
            state = 0;
            pool = null;
        }
    }
}
