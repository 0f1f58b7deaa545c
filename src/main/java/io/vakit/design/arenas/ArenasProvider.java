package io.vakit.design.arenas;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.util.EnumSet;

/** The {@code arenas} design (seed 002): eight arenas by size, slabs up to 2 KiB, best fit above. */
public final class ArenasProvider implements AllocatorProvider {
    /** What the design offers. */
    static final EnumSet<Feature> FEATURES = EnumSet.of(Feature.REALLOC, Feature.REALLOC_IN_PLACE,
            Feature.ALIGNED_ALLOCATION, Feature.USABLE_SIZE, Feature.OWNER_LOOKUP, Feature.SIZE_CLASSES,
            Feature.CONTAINMENT, Feature.FOOTPRINT, Feature.IDLE_BOUND, Feature.SMALL_CONFIGURATION,
            Feature.INVALID_FREE_DETECTION, Feature.SIZED_FREE_CHECK, Feature.PLACEMENT, Feature.THREAD_SAFE,
            Feature.FAULT_INJECTION, Feature.EXACT_REASONS);

    private final ArenasConfig config;
    private final DesignDescriptor descriptor;

    /** The seed's arenas and reservations. */
    public ArenasProvider() {
        this(ArenasConfig.defaults());
    }

    /** The design with {@code config}. */
    public ArenasProvider(ArenasConfig config) {
        this.config = config;
        this.descriptor = descriptor(config);
    }

    /** The descriptor of an allocator built with {@code config}: its largest request is the config's. */
    public static DesignDescriptor descriptor(ArenasConfig config) {
        return new DesignDescriptor("arenas", "seed 002: eight arenas by size, slabs to 2 KiB, best fit above",
                new ArenaClasses(), ArenaClasses::alignmentFor, ArenasAllocator.MAX_ALIGNMENT, config.maxRequest(),
                FEATURES).following("arenas");
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Allocator open() {
        return openArenas();
    }

    /** The design's small configuration ({@link ArenasConfig#small()}): a 4 MiB budget, requests up to 64 KiB. */
    @Override
    public Allocator openSmall() {
        ArenasConfig small = ArenasConfig.small().withVm(config.vm());
        return ArenasAllocator.arenas(descriptor(small), small);
    }

    /** Opens the concrete type, for the design's own queries. */
    public ArenasAllocator openArenas() {
        return ArenasAllocator.arenas(descriptor, config);
    }
}
