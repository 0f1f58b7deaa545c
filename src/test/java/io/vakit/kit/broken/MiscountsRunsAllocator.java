package io.vakit.kit.broken;

import io.vakit.design.chunks.ChunksAllocator;
import io.vakit.design.chunks.ChunksConfig;
import io.vakit.design.chunks.ChunksProvider;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bug: a correct {@code chunks} allocator whose placement numbers a run of chunks by its chunk counted from the
 * region's start, not its block's (the item path's chunk arithmetic, one level too high). The run still starts and
 * ends where it says, inside its block, so the generic placement rule (L1) holds; only the design's arithmetic (L2)
 * sees it.
 */
public final class MiscountsRunsAllocator extends ForwardingAllocator {
    MiscountsRunsAllocator(Allocator delegate) {
        super(delegate);
    }

    @Override
    public Optional<Placement> placement(long address) {
        return delegate.placement(address).map(p -> {
            if (!p.path().equals("segment/region/block/run")) {
                return p;
            }
            List<Placement.Level> levels = new ArrayList<>(p.levels());
            Placement.Level run = p.slot();
            long chunk = (run.start() - levels.get(1).start()) >>> 12;
            levels.set(levels.size() - 1, new Placement.Level(run.unit(), chunk, run.start(), run.bytes()));
            return new Placement(levels);
        });
    }

    /** Its provider: {@code chunks}'s descriptor, following the chunks layout, under the id broken-runs. */
    public static final class Provider implements AllocatorProvider {
        /** Used by ServiceLoader. */
        public Provider() {}

        private static DesignDescriptor rename(DesignDescriptor d) {
            return new DesignDescriptor("broken-runs", "chunks whose placement counts a run's chunk from its region",
                    d.sizeClasses(), d.alignment(), d.maxAlignment(), d.maxBlockSize(), d.features(), d.deviations(),
                    d.follows());
        }

        @Override
        public DesignDescriptor descriptor() {
            return rename(ChunksProvider.descriptor(ChunksConfig.defaults()));
        }

        @Override
        public Allocator open() {
            return new MiscountsRunsAllocator(new ChunksAllocator(descriptor(), ChunksConfig.defaults()));
        }

        @Override
        public Allocator openSmall() {
            return new MiscountsRunsAllocator(new ChunksAllocator(rename(ChunksProvider.descriptor(
                    ChunksConfig.small())), ChunksConfig.small()));
        }
    }
}
