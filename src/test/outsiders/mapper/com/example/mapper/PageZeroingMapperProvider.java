package com.example.mapper;

import io.vakit.spi.Allocator;

/**
 * The guarded mapper with one slip in its zeroed allocation: a reused mapping is cleared in whole pages ("the kernel
 * hands out pages, so clear pages"), from the block's start. A block ends at its guard page and seldom starts on a
 * page boundary, so the clearing runs into the guard page, inside libc's memset, and the process dies.
 */
public final class PageZeroingMapperProvider extends MapperProvider {
    /** Used by {@code -Dvakit.impl}. */
    public PageZeroingMapperProvider() {
        super("mapper-page-zeroing", "guarded mapper that clears a reused mapping in whole pages from the block");
    }

    @Override
    public Allocator open() {
        return new MapperAllocator(descriptor()) {
            @Override
            protected void zero(Block b) {
                memset(b.start(), (b.size() + PAGE - 1) & -PAGE);
            }
        };
    }
}
