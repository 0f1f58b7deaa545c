package com.example.slabs;

import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.util.EnumSet;

/**
 * Segregated slabs: classes of 16 bytes to 16 KiB four per doubling, blocks up to 4 MiB, every block 16-byte aligned.
 * It has no small configuration: it never runs out before the machine does.
 */
public class SlabsProvider implements AllocatorProvider {
    private final DesignDescriptor descriptor;

    /** Used by {@code -Dvakit.impl}. */
    public SlabsProvider() {
        this("slabs", "segregated 64 KiB slabs, four classes per doubling, large blocks from an Arena");
    }

    SlabsProvider(String id, String title) {
        this.descriptor = new DesignDescriptor(id, title, SlabAllocator.TABLE, AlignmentGuarantee.fixed(SlabAllocator.ALIGN),
                SlabAllocator.ALIGN, SlabAllocator.MAX_BLOCK, EnumSet.of(Feature.REALLOC, Feature.REALLOC_IN_PLACE,
                        Feature.USABLE_SIZE, Feature.OWNER_LOOKUP, Feature.SIZE_CLASSES, Feature.INVALID_FREE_DETECTION,
                        Feature.SIZED_FREE_CHECK, Feature.PLACEMENT, Feature.THREAD_SAFE));
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Allocator open() {
        return new SlabAllocator(descriptor);
    }
}
