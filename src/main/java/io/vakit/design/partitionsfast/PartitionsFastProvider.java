package io.vakit.design.partitionsfast;

import io.vakit.design.partitions.PartitionClasses;
import io.vakit.design.partitions.PartitionsAllocator;
import io.vakit.design.partitions.PartitionsConfig;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.util.EnumSet;

/**
 * The {@code partitions-fast} design: seed 004's layout, classes and placement (it follows the plain design's layout
 * law), with lock-free per-thread pages. The same features as {@code partitions}.
 */
public final class PartitionsFastProvider implements AllocatorProvider {
    /** What the design offers: everything the plain design offers. */
    static final EnumSet<Feature> FEATURES = EnumSet.of(Feature.REALLOC, Feature.REALLOC_IN_PLACE,
            Feature.REALLOC_IN_SLOT, Feature.ALIGNED_ALLOCATION, Feature.USABLE_SIZE, Feature.OWNER_LOOKUP,
            Feature.SIZE_CLASSES, Feature.CONTAINMENT, Feature.FOOTPRINT, Feature.IDLE_BOUND,
            Feature.SMALL_CONFIGURATION,
            Feature.INVALID_FREE_DETECTION, Feature.PLACEMENT, Feature.THREAD_SAFE,
            Feature.OWNER_REUSES_REMOTE_FREES, Feature.FAULT_INJECTION, Feature.EXACT_REASONS);

    private final PartitionsConfig config;
    private final DesignDescriptor descriptor;

    /** The default scale ({@link PartitionsConfig#defaults()}). */
    public PartitionsFastProvider() {
        this(PartitionsConfig.defaults());
    }

    /** The design at {@code config}'s scale. */
    public PartitionsFastProvider(PartitionsConfig config) {
        this.config = config;
        this.descriptor = descriptor(config);
    }

    /** The descriptor of an allocator of {@code config}. */
    public static DesignDescriptor descriptor(PartitionsConfig config) {
        return new DesignDescriptor("partitions-fast", "seed 004, optimized: lock-free per-thread pages, remote"
                + " frees batched", new PartitionClasses(), size -> PartitionsAllocator.alignmentFor(config, size),
                PartitionsAllocator.MAX_ALIGNMENT, config.maxRequest(), FEATURES).following("partitions");
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Allocator open() {
        return openFast();
    }

    /** The small configuration ({@link PartitionsConfig#small()}). */
    @Override
    public Allocator openSmall() {
        PartitionsConfig small = PartitionsConfig.small().withVm(config.vm());
        return new PartitionsFastAllocator(descriptor(small), small);
    }

    /** Opens the concrete type, for the design's own queries. */
    public PartitionsFastAllocator openFast() {
        return new PartitionsFastAllocator(descriptor, config);
    }
}
