package io.vakit.design.arenas;

import io.vakit.pal.VirtualMemory;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.util.EnumSet;

/**
 * The {@code arenas-default} design: seed 002's "default allocator", the baseline its arenas are measured against.
 * One large reservation made at open, and one best-fit strategy (16-byte granules) for every size.
 */
public final class ArenasDefaultProvider implements AllocatorProvider {
    /** The one reservation: 4 GiB, and the largest request, 2 GiB (as the arenas'). */
    public static final long RESERVATION = 4L << 30;
    /** The small configuration's reservation, and its largest request. */
    public static final long SMALL_RESERVATION = 16L << 20;

    private final VirtualMemory vm;
    private final long reservation;
    private final DesignDescriptor descriptor;

    /** The default reservation, from the system's virtual memory. */
    public ArenasDefaultProvider() {
        this(VirtualMemory.system(), RESERVATION);
    }

    /** A reservation of {@code reservation} bytes from {@code vm}. */
    public ArenasDefaultProvider(VirtualMemory vm, long reservation) {
        this.vm = vm;
        this.reservation = reservation;
        this.descriptor = descriptor(reservation);
    }

    private static DesignDescriptor descriptor(long reservation) {
        EnumSet<Feature> features = EnumSet.copyOf(ArenasProvider.FEATURES);
        features.remove(Feature.SIZE_CLASSES);
        return new DesignDescriptor("arenas-default", "seed 002's default: one reservation, best fit for every size",
                null, AlignmentGuarantee.fixed(ArenasAllocator.DEFAULT_GRANULE), ArenasAllocator.MAX_ALIGNMENT,
                Math.min(2L << 30, reservation / 2), features).following("arenas-default");
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Allocator open() {
        return ArenasAllocator.single(descriptor, vm, reservation);
    }

    /** One 16 MiB reservation: requests up to 8 MiB, and it runs out. */
    @Override
    public Allocator openSmall() {
        return ArenasAllocator.single(descriptor(SMALL_RESERVATION), vm, SMALL_RESERVATION);
    }

    /** Opens the concrete type, for the design's own queries. */
    public ArenasAllocator openDefault() {
        return ArenasAllocator.single(descriptor, vm, reservation);
    }
}
