package com.example.slabs;

import io.vakit.spi.Allocator;
import io.vakit.spi.InvalidFreeException;

/**
 * The slabs allocator with one slip in its free: "the slot index is all I need", so an address inside a slot frees
 * that slot. A free of a pointer into the middle of a block is accepted, and the block is gone while its owner still
 * uses it.
 */
public final class SlotIndexSlabsProvider extends SlabsProvider {
    /** Used by {@code -Dvakit.impl}. */
    public SlotIndexSlabsProvider() {
        super("slabs-slot-index", "slabs whose free takes any address inside a slot for the slot");
    }

    @Override
    public Allocator open() {
        return new SlabAllocator(descriptor()) {
            @Override
            protected void checkSlot(String op, Slab s, long offset, int i) {
                if (i >= s.capacity || !s.live.get(i)) {
                    throw new InvalidFreeException(descriptor().id(), op, i < s.bump
                            ? InvalidFreeException.Reason.DOUBLE : InvalidFreeException.Reason.UNKNOWN,
                            "slot " + i + " is not live");
                }
            }
        };
    }
}
