package io.vakit.kit.broken;

import io.vakit.spi.BlockInfo;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Optional;

/**
 * The toy slab allocator with reallocation in place beyond its table ({@code REALLOC_IN_SLOT}): a large block, on a
 * mapping of its own rounded up to whole pages, is resized in place while the new size rounds to the same mapping.
 * With {@code growInPlace} false, the author's slip: only a shrink stays in place, as "a block never grows where it
 * is" is true of the slab classes; a growth that the mapping's slack holds is moved all the same.
 */
class SlotReallocToy extends ToySlabAllocator {
    private final boolean growInPlace;

    SlotReallocToy(DesignDescriptor descriptor, boolean small, boolean growInPlace) {
        super(descriptor, small);
        this.growInPlace = growInPlace;
    }

    /** The toy's features with REALLOC_IN_SLOT. */
    static EnumSet<Feature> features() {
        EnumSet<Feature> f = ToySlabAllocator.features();
        f.add(Feature.REALLOC_IN_SLOT);
        return f;
    }

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        long oldSize = block.byteSize();
        if (large(oldSize) && large(newSize) && newSize <= MAX_BLOCK && (growInPlace || newSize <= oldSize)) {
            Optional<BlockInfo> info = owner(block.address());
            boolean sameMapping = info.isPresent() && info.get().start() == block.address()
                    && info.get().usableSize() == ((newSize + 4095) & -4096L);
            if (sameMapping) {
                liveBytes.addAndGet(newSize - oldSize);
                return MemorySegment.ofAddress(block.address()).reinterpret(newSize);
            }
        }
        return super.reallocate(block, newSize);
    }
}
