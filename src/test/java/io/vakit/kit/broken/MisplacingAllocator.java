package io.vakit.kit.broken;

import io.vakit.design.sized.SizedAllocator;
import io.vakit.design.sized.SizedProvider;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Placement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bug: a correct {@code sized} allocator whose placement finds the block with half the block mask
 * ({@code a & -(blockBytes / 256)}, a shift by 8 where 20 was meant). The slot still lies inside the block it names, so the generic placement rule
 * (L1) holds; only the design's own arithmetic (L2) can see it.
 */
public final class MisplacingAllocator extends ForwardingAllocator {
    MisplacingAllocator(Allocator delegate) {
        super(delegate);
    }

    @Override
    public Optional<Placement> placement(long address) {
        return delegate.placement(address).map(p -> {
            if (p.levels().size() < 2) {
                return p;
            }
            List<Placement.Level> levels = new ArrayList<>(p.levels());
            Placement.Level block = levels.get(0);
            long wrong = p.slot().start() & -(block.bytes() >> 8);
            levels.set(0, new Placement.Level(block.unit(), block.index(), wrong, block.bytes()));
            return new Placement(levels);
        });
    }

    /** Its provider: {@code sized}'s descriptor, following the sized layout, under the id broken-misplaced. */
    public static final class Provider implements AllocatorProvider {
        private static final DesignDescriptor DESCRIPTOR = rename(SizedProvider.DESCRIPTOR);

        /** Used by ServiceLoader. */
        public Provider() {}

        private static DesignDescriptor rename(DesignDescriptor d) {
            java.util.EnumSet<io.vakit.spi.Feature> features = java.util.EnumSet.copyOf(d.features());
            features.remove(io.vakit.spi.Feature.FAMILIES); // a forwarding allocator: not a FamilyAllocator
            return new DesignDescriptor("broken-misplaced", "sized whose placement masks the block with 1/256 of its size",
                    d.sizeClasses(), d.alignment(), d.maxAlignment(), d.maxBlockSize(), features, d.deviations(),
                    d.follows());
        }

        @Override
        public DesignDescriptor descriptor() {
            return DESCRIPTOR;
        }

        @Override
        public Allocator open() {
            return new MisplacingAllocator(new SizedAllocator(DESCRIPTOR, SizedAllocator.Options.defaults()));
        }

        @Override
        public Allocator openSmall() {
            return new MisplacingAllocator(new SizedAllocator(DESCRIPTOR,
                    SizedAllocator.Options.defaults().withBudget(SizedProvider.SMALL_BUDGET)));
        }
    }
}
