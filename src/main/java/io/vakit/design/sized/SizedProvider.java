package io.vakit.design.sized;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.util.EnumSet;

/** The {@code sized} design (seed 003) with its defaults. */
public final class SizedProvider implements AllocatorProvider {
    /** The design's descriptor. */
    public static final DesignDescriptor DESCRIPTOR = new DesignDescriptor("sized",
            "seed 003: sized free, no per-allocation metadata, power-of-two classes 1..8192 B, families",
            new SizedClasses(), SizedClasses::alignmentFor, 4096, 1L << 40,
            EnumSet.of(Feature.REALLOC, Feature.REALLOC_IN_PLACE, Feature.USABLE_SIZE, Feature.OWNER_LOOKUP,
                    Feature.SIZE_CLASSES, Feature.CONTAINMENT, Feature.FOOTPRINT, Feature.IDLE_BOUND,
                    Feature.SMALL_CONFIGURATION,
                    Feature.INVALID_FREE_DETECTION, Feature.SIZED_FREE_CHECK, Feature.PLACEMENT, Feature.FAMILIES,
                    Feature.THREAD_SAFE, Feature.FAULT_INJECTION, Feature.EXACT_REASONS))
            .following("sized");

    /** The address-space budget of the small configuration: a few blocks, and a few pages of large mappings. */
    public static final long SMALL_BUDGET = 8L << 20;

    private final SizedAllocator.Options options;

    /** The seed's defaults. */
    public SizedProvider() {
        this(SizedAllocator.Options.defaults());
    }

    /** A provider of allocators built with {@code options}. */
    public SizedProvider(SizedAllocator.Options options) {
        this.options = options;
    }

    @Override
    public DesignDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Allocator open() {
        return new SizedAllocator(DESCRIPTOR, options);
    }

    /** The same design with an address-space budget of {@link #SMALL_BUDGET}, small enough to exhaust. */
    @Override
    public Allocator openSmall() {
        return new SizedAllocator(DESCRIPTOR, options.withBudget(SMALL_BUDGET));
    }

    /** Opens the concrete type, for the seed's family and counter API. */
    public SizedAllocator openSized() {
        return new SizedAllocator(DESCRIPTOR, options);
    }
}
