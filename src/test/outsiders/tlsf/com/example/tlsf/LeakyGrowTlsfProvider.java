package com.example.tlsf;

import io.vakit.spi.Allocator;

/**
 * The TLSF with one slip, as its author made it while adding realloc in place: growing a block into the free block
 * after it, the author joins the two but forgets to take the neighbour out of its free list. The list still names
 * memory that is now inside a live block, and the next allocation of that size is handed it.
 */
public final class LeakyGrowTlsfProvider extends TlsfProvider {
    /** Used by {@code -Dvakit.impl}. */
    public LeakyGrowTlsfProvider() {
        super("tlsf-leaky-grow", "TLSF whose realloc in place leaves the absorbed neighbour on its free list");
    }

    @Override
    protected Allocator open(long pool) {
        return new TlsfAllocator(descriptor(), pool) {
            @Override
            protected boolean growInPlace(long h, long size) {
                long after = next(h);
                if (!isFree(after) || sizeOf(h) + HEADER + sizeOf(after) < size) {
                    return false;
                }
                absorb(h, after);
                split(h, size);
                return true;
            }
        };
    }
}
