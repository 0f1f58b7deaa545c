package com.example.buddy;

import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import io.vakit.spi.SizeClassTable;
import java.util.EnumSet;

/**
 * The buddy allocator: a 1 GiB arena serving blocks of 32 bytes to 64 MiB, each aligned to its own size (an explicit
 * alignment asks for a larger block); its small configuration is a 1 MiB arena.
 */
public class BuddyProvider implements AllocatorProvider {
    private final DesignDescriptor normal;
    private final DesignDescriptor small;

    /** Used by {@code -Dvakit.impl}. */
    public BuddyProvider() {
        this("buddy", "binary buddy over one arena aligned to its size");
    }

    BuddyProvider(String id, String title) {
        this.normal = descriptor(id, title, BuddyAllocator.Arena.MAX_REQUEST_ORDER);
        this.small = descriptor(id, title, BuddyAllocator.Arena.Shape.SMALL.top);
    }

    private static DesignDescriptor descriptor(String id, String title, int top) {
        long max = 1L << top;
        return new DesignDescriptor(id, title, orders(top), AlignmentGuarantee.sizeRelative(32, max), max, max,
                EnumSet.of(Feature.REALLOC, Feature.REALLOC_IN_PLACE, Feature.ALIGNED_ALLOCATION, Feature.USABLE_SIZE,
                        Feature.OWNER_LOOKUP, Feature.SIZE_CLASSES, Feature.CONTAINMENT, Feature.SMALL_CONFIGURATION,
                        Feature.INVALID_FREE_DETECTION, Feature.THREAD_SAFE));
    }

    /** The orders from 32 bytes to {@code 2^top}, as a table. */
    private static SizeClassTable orders(int top) {
        return new SizeClassTable() {
            @Override
            public int count() {
                return top - BuddyAllocator.Arena.MIN_ORDER + 1;
            }

            @Override
            public long size(int c) {
                return 1L << (c + BuddyAllocator.Arena.MIN_ORDER);
            }

            @Override
            public int classOf(long size) {
                int k = BuddyAllocator.orderOf(size, 1);
                return k > top ? -1 : k - BuddyAllocator.Arena.MIN_ORDER;
            }
        };
    }

    @Override
    public DesignDescriptor descriptor() {
        return normal;
    }

    @Override
    public Allocator open() {
        return open(normal, BuddyAllocator.Arena.Shape.NORMAL);
    }

    @Override
    public Allocator openSmall() {
        return open(small, BuddyAllocator.Arena.Shape.SMALL);
    }

    /** An allocator of {@code shape}. */
    protected Allocator open(DesignDescriptor d, BuddyAllocator.Arena.Shape shape) {
        return new BuddyAllocator(d, shape);
    }
}
