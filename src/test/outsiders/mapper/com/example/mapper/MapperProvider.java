package com.example.mapper;

import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.util.EnumSet;

/** The guarded mapper: blocks of up to 1 GiB, each in a mapping of its own, 16-byte aligned (up to 1 MiB if asked). */
public class MapperProvider implements AllocatorProvider {
    private final DesignDescriptor descriptor;

    /** Used by {@code -Dvakit.impl}. */
    public MapperProvider() {
        this("mapper", "every block in a mapping of its own, against a guard page");
    }

    MapperProvider(String id, String title) {
        this.descriptor = new DesignDescriptor(id, title, null, AlignmentGuarantee.fixed(MapperAllocator.ALIGN),
                1L << 20, 1L << 30, EnumSet.of(Feature.REALLOC, Feature.ALIGNED_ALLOCATION, Feature.USABLE_SIZE,
                        Feature.OWNER_LOOKUP, Feature.CONTAINMENT, Feature.FOOTPRINT, Feature.IDLE_BOUND,
                        Feature.INVALID_FREE_DETECTION, Feature.THREAD_SAFE));
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Allocator open() {
        return new MapperAllocator(descriptor);
    }
}
