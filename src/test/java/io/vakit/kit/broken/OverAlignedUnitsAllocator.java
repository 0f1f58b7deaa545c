package io.vakit.kit.broken;

import io.vakit.design.partitions.PartitionClasses;
import io.vakit.design.partitions.PartitionsAllocator;
import io.vakit.design.partitions.PartitionsConfig;
import io.vakit.design.partitions.PartitionsProvider;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * Bug: {@code partitions} whose aligned requests for whole parts and arenas get a unit one step too large, as an off
 * by one in the unit's rounding gives (the alignment's next power of two instead of the alignment): a 64 KiB request
 * at 64 KiB gets a 128 KiB part. Every block is aligned, holds its bytes and lies where its placement says, so only
 * the design's law, told the asked alignment (L2), sees that the unit is not the one the request needs: without it,
 * a larger unit at a multiple of itself looks like an aligned request's. The design's class is final, so a wrapper
 * stands in for the slip: it passes such a request on at twice its alignment.
 */
public final class OverAlignedUnitsAllocator extends ForwardingAllocator {
    OverAlignedUnitsAllocator(Allocator delegate) {
        super(delegate);
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        long effective = (byteSize + byteAlignment - 1) & -byteAlignment;
        boolean unit = byteAlignment > 1 && effective > PartitionClasses.MAX_POOL;
        return delegate.allocate(byteSize, unit && byteAlignment < PartitionsAllocator.MAX_ALIGNMENT
                ? byteAlignment * 2 : byteAlignment);
    }

    /** Its provider: {@code partitions}' descriptor, following its layout, under the id broken-over-aligned-units. */
    public static final class Provider implements AllocatorProvider {
        /** Used by ServiceLoader. */
        public Provider() {}

        private static DesignDescriptor descriptor(PartitionsConfig config) {
            DesignDescriptor d = PartitionsProvider.descriptor(config);
            return new DesignDescriptor("broken-over-aligned-units", "partitions giving an aligned part or arena"
                    + " request a unit one step too large", d.sizeClasses(), d.alignment(), d.maxAlignment(),
                    d.maxBlockSize(), d.features(), d.deviations(), d.follows());
        }

        @Override
        public DesignDescriptor descriptor() {
            return descriptor(PartitionsConfig.defaults());
        }

        @Override
        public Allocator open() {
            return new OverAlignedUnitsAllocator(new PartitionsAllocator(descriptor(), PartitionsConfig.defaults()));
        }

        @Override
        public Allocator openSmall() {
            PartitionsConfig small = PartitionsConfig.small();
            return new OverAlignedUnitsAllocator(new PartitionsAllocator(descriptor(small), small));
        }
    }
}
