package io.vakit.kit.broken;

import io.vakit.design.arenas.ArenasAllocator;
import io.vakit.design.arenas.ArenasConfig;
import io.vakit.design.arenas.ArenasProvider;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bug: a correct {@code arenas} allocator whose placement counts an object block's index in 4 KiB pages in every
 * arena, forgetting that arena 3 cuts 16-byte granules. The block still starts and ends where it says, inside its
 * reservation, so the generic placement rule (L1) holds; only the design's own arithmetic (L2) sees it.
 */
public final class MiscountsGranulesAllocator extends ForwardingAllocator {
    MiscountsGranulesAllocator(Allocator delegate) {
        super(delegate);
    }

    @Override
    public Optional<Placement> placement(long address) {
        return delegate.placement(address).map(p -> {
            if (!p.slot().unit().equals("block")) {
                return p;
            }
            List<Placement.Level> levels = new ArrayList<>(p.levels());
            Placement.Level block = p.slot();
            long pages = (block.start() - levels.get(0).start()) / 4096;
            levels.set(levels.size() - 1, new Placement.Level(block.unit(), pages, block.start(), block.bytes()));
            return new Placement(levels);
        });
    }

    /** Its provider: {@code arenas}'s descriptor, following the arenas layout, under the id broken-granules. */
    public static final class Provider implements AllocatorProvider {
        /** Used by ServiceLoader. */
        public Provider() {}

        private static DesignDescriptor rename(DesignDescriptor d) {
            return new DesignDescriptor("broken-granules", "arenas whose placement counts blocks in 4 KiB pages",
                    d.sizeClasses(), d.alignment(), d.maxAlignment(), d.maxBlockSize(), d.features(), d.deviations(),
                    d.follows());
        }

        @Override
        public DesignDescriptor descriptor() {
            return rename(ArenasProvider.descriptor(ArenasConfig.defaults()));
        }

        @Override
        public Allocator open() {
            return new MiscountsGranulesAllocator(ArenasAllocator.arenas(descriptor(), ArenasConfig.defaults()));
        }

        @Override
        public Allocator openSmall() {
            return new MiscountsGranulesAllocator(ArenasAllocator.arenas(rename(ArenasProvider.descriptor(
                    ArenasConfig.small())), ArenasConfig.small()));
        }
    }
}
