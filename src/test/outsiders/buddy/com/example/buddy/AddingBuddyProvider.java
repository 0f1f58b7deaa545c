package com.example.buddy;

import io.vakit.spi.Allocator;
import io.vakit.spi.DesignDescriptor;

/**
 * The buddy allocator with the slip every buddy allocator's author makes once: the buddy of a block is taken as the
 * block after it ({@code offset + 2^k}) instead of the one whose offset differs in bit {@code k}. For a block that is
 * the upper half of its pair, that is its neighbour in the next pair; the two merge into a block of twice the size
 * that is not aligned to it.
 */
public final class AddingBuddyProvider extends BuddyProvider {
    /** Used by {@code -Dvakit.impl}. */
    public AddingBuddyProvider() {
        super("buddy-adds", "buddy allocator that finds a block's buddy by adding its size");
    }

    @Override
    protected Allocator open(DesignDescriptor d, BuddyAllocator.Arena.Shape shape) {
        return new BuddyAllocator(d, shape) {
            @Override
            protected long buddyOf(long offset, int k) {
                return offset + (1L << k);
            }
        };
    }
}
