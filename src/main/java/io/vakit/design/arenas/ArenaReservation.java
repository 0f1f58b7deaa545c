package io.vakit.design.arenas;

import io.vakit.pal.Reservation;

/**
 * One reservation of an arena: {@code bytes} of address space aligned to {@code bytes}, so the reservation of an
 * address is found by the reservation index and checked by arithmetic. Its pages are committed as blocks use them.
 * A slab reservation carries its slot binmap and page counts ({@link SlabMeta}); an object reservation's free ranges
 * and blocks live in its arena's indexes.
 */
final class ArenaReservation {
    final int id;
    final int arena;
    final Reservation data;
    final SlabMeta slab;
    /** Set under the arena's lock when the reservation is released; a free racing a release then finds it gone. */
    volatile boolean released;

    ArenaReservation(int id, int arena, Reservation data, SlabMeta slab) {
        this.id = id;
        this.arena = arena;
        this.data = data;
        this.slab = slab;
    }

    long base() {
        return data.base();
    }

    long bytes() {
        return data.size();
    }

    long end() {
        return data.base() + data.size();
    }

    boolean contains(long address) {
        return address >= base() && address < end();
    }
}
