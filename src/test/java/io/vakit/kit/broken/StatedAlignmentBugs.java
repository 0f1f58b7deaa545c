package io.vakit.kit.broken;

import io.vakit.design.partitions.PartitionClasses;
import io.vakit.design.partitions.PartitionsAllocator;
import io.vakit.design.partitions.PartitionsConfig;
import io.vakit.design.partitions.PartitionsProvider;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.DesignDescriptor;

/**
 * Two bugs in the natural alignment an allocator states ({@code DesignDescriptor.alignment()}), each written as its
 * author would: every block is where it should be, only the promise is wrong. Registered for ServiceLoader, so
 * replay strings find them; {@code BrokenAllocatorsTest} shows the default settings reject each for its rule.
 */
public final class StatedAlignmentBugs {
    private StatedAlignmentBugs() {}

    /**
     * The toy slab, whose author stated a block's footprint as its alignment: the request rounded up to the 16-byte
     * granule, 48 for a 40-byte block. Not a power of two, so no address can honour it; caught by C3.
     */
    public static final class FootprintAsAlignment implements AllocatorProvider {
        private static final DesignDescriptor DESCRIPTOR = with(
                ToySlabAllocator.descriptor("broken-footprint-alignment", "toy slab allocator stating its footprint"
                        + " as its alignment", ToySlabAllocator.threadSafeFeatures()),
                size -> (size + 15) & -16);

        /** Used by ServiceLoader. */
        public FootprintAsAlignment() {}

        @Override
        public DesignDescriptor descriptor() {
            return DESCRIPTOR;
        }

        @Override
        public Allocator open() {
            return new ToySlabAllocator(DESCRIPTOR, false);
        }

        @Override
        public Allocator openSmall() {
            return new ToySlabAllocator(DESCRIPTOR, true);
        }
    }

    /**
     * {@code partitions} as written, whose author took "parts and areas are page aligned at least" for the whole
     * guarantee: it states the page for every block above 32 KiB, though its layout puts a whole part or arena at a
     * multiple of its own size. A caller of the design who relies on a 64 KiB part being 64 KiB aligned loses that;
     * no placement shows it, only the design's law (L2).
     */
    public static final class PageAlignedParts implements AllocatorProvider {
        private static final PartitionClasses CLASSES = new PartitionClasses();
        private final DesignDescriptor descriptor = descriptor(PartitionsConfig.defaults());

        /** Used by ServiceLoader. */
        public PageAlignedParts() {}

        private static DesignDescriptor descriptor(PartitionsConfig config) {
            DesignDescriptor d = PartitionsProvider.descriptor(config);
            return new DesignDescriptor("broken-page-aligned-parts", "partitions stating the page for parts and"
                    + " arenas", d.sizeClasses(), size -> size <= PartitionClasses.MAX_POOL ? CLASSES.alignmentFor(size)
                    : 4096, d.maxAlignment(), d.maxBlockSize(), d.features(), d.deviations(), d.follows());
        }

        @Override
        public DesignDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public Allocator open() {
            return new PartitionsAllocator(descriptor, PartitionsConfig.defaults());
        }

        @Override
        public Allocator openSmall() {
            PartitionsConfig small = PartitionsConfig.small();
            return new PartitionsAllocator(descriptor(small), small);
        }
    }

    private static DesignDescriptor with(DesignDescriptor d, AlignmentGuarantee alignment) {
        return new DesignDescriptor(d.id(), d.title(), d.sizeClasses(), alignment, d.maxAlignment(), d.maxBlockSize(),
                d.features(), d.deviations(), d.follows());
    }
}
