package io.vakit.design.chunks;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.util.EnumSet;

/** The {@code chunks} design (seed 000): segments, regions, 1 MiB blocks, 4 KiB chunks, bookkeeping beside it all. */
public final class ChunksProvider implements AllocatorProvider {
    /** What the design offers. */
    static final EnumSet<Feature> FEATURES = EnumSet.of(Feature.REALLOC, Feature.REALLOC_IN_PLACE,
            Feature.USABLE_SIZE, Feature.OWNER_LOOKUP, Feature.SIZE_CLASSES,
            Feature.CONTAINMENT, Feature.FOOTPRINT, Feature.IDLE_BOUND, Feature.SMALL_CONFIGURATION,
            Feature.INVALID_FREE_DETECTION, Feature.SIZED_FREE_CHECK, Feature.PLACEMENT, Feature.THREAD_SAFE,
            Feature.FAULT_INJECTION, Feature.EXACT_REASONS);

    private final ChunksConfig config;
    private final DesignDescriptor descriptor;

    /** The seed's scale: one 64 GiB segment. */
    public ChunksProvider() {
        this(ChunksConfig.defaults());
    }

    /** The design at {@code config}'s scale. */
    public ChunksProvider(ChunksConfig config) {
        this.config = config;
        this.descriptor = descriptor(config);
    }

    /** The largest alignment: a block's, the natural alignment of a run of blocks. */
    public static final long MAX_ALIGNMENT = ChunkClasses.BLOCK;

    /** The descriptor of an allocator of {@code config}: its largest request is the config's. */
    public static DesignDescriptor descriptor(ChunksConfig config) {
        ChunkClasses classes = new ChunkClasses();
        return new DesignDescriptor("chunks", "seed 000: segments of regions of 1 MiB blocks of 4 KiB chunks",
                classes, classes::alignmentFor, MAX_ALIGNMENT, config.maxRequest(), FEATURES)
                .following("chunks");
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Allocator open() {
        return openChunks();
    }

    /** The small configuration ({@link ChunksConfig#small()}): one 64 MiB segment, requests up to 16 MiB. */
    @Override
    public Allocator openSmall() {
        ChunksConfig small = ChunksConfig.small().withVm(config.vm());
        return new ChunksAllocator(descriptor(small), small);
    }

    /** Opens the concrete type, for the design's own queries. */
    public ChunksAllocator openChunks() {
        return new ChunksAllocator(descriptor, config);
    }
}
