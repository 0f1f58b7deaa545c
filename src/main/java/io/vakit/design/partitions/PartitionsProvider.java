package io.vakit.design.partitions;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.util.EnumSet;

/** The {@code partitions} design (seed 004): per-thread slices of eight partitions, deferred cross-thread frees. */
public final class PartitionsProvider implements AllocatorProvider {
    /** What the design offers. */
    static final EnumSet<Feature> FEATURES = EnumSet.of(Feature.REALLOC, Feature.REALLOC_IN_PLACE,
            Feature.REALLOC_IN_SLOT, Feature.ALIGNED_ALLOCATION, Feature.USABLE_SIZE, Feature.OWNER_LOOKUP,
            Feature.SIZE_CLASSES, Feature.CONTAINMENT, Feature.FOOTPRINT, Feature.IDLE_BOUND,
            Feature.SMALL_CONFIGURATION,
            Feature.INVALID_FREE_DETECTION, Feature.PLACEMENT, Feature.THREAD_SAFE,
            Feature.OWNER_REUSES_REMOTE_FREES, Feature.FAULT_INJECTION, Feature.EXACT_REASONS);

    private final PartitionsConfig config;
    private final DesignDescriptor descriptor;

    /** The default scale ({@link PartitionsConfig#defaults()}). */
    public PartitionsProvider() {
        this(PartitionsConfig.defaults());
    }

    /** The design at {@code config}'s scale. */
    public PartitionsProvider(PartitionsConfig config) {
        this.config = config;
        this.descriptor = descriptor(config);
    }

    /** The descriptor of an allocator of {@code config}: its largest request is the config's. */
    public static DesignDescriptor descriptor(PartitionsConfig config) {
        return new DesignDescriptor("partitions", "seed 004: per-thread slices of eight partitions, deferred frees",
                new PartitionClasses(), size -> PartitionsAllocator.alignmentFor(config, size),
                PartitionsAllocator.MAX_ALIGNMENT, config.maxRequest(), FEATURES).following("partitions");
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Allocator open() {
        return openPartitions();
    }

    /** The small configuration ({@link PartitionsConfig#small()}). */
    @Override
    public Allocator openSmall() {
        PartitionsConfig small = PartitionsConfig.small().withVm(config.vm());
        return new PartitionsAllocator(descriptor(small), small);
    }

    /** Opens the concrete type, for the design's own queries. */
    public PartitionsAllocator openPartitions() {
        return new PartitionsAllocator(descriptor, config);
    }
}
