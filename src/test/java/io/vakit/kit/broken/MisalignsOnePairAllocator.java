package io.vakit.kit.broken;

import io.vakit.spi.Allocator;
import io.vakit.spi.Requests;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;

/**
 * Bug: glibc with an aligned-allocation fast path that is wrong for exactly one pair: {@code allocate(256, 256)} is
 * served from a 128-aligned spot (an author's special case for "size equals alignment" that forgot the case where
 * the size is also the bin's alignment), like mimalloc 2.0.9's. Every other request, and every check and refusal,
 * stays correct.
 */
public final class MisalignsOnePairAllocator extends ForwardingAllocator {
    private static final long SKEW = 128;
    private final Set<Long> skewed = new HashSet<>();

    MisalignsOnePairAllocator(Allocator delegate) {
        super(delegate);
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (byteSize != 256 || byteAlignment != 256) {
            return delegate.allocate(byteSize, byteAlignment);
        }
        Requests.checkAllocation(descriptor(), Requests.allocation(byteSize, byteAlignment), byteSize, byteAlignment);
        MemorySegment raw = delegate.allocate(byteSize + SKEW, byteAlignment);
        MemorySegment s = raw.asSlice(SKEW, byteSize);
        skewed.add(s.address());
        return s;
    }

    @Override
    public void free(MemorySegment block) {
        delegate.free(skewed.remove(block.address()) ? raw(block) : block);
    }

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        if (!skewed.contains(block.address())) {
            return delegate.reallocate(block, newSize);
        }
        Requests.checkSize(descriptor(), "reallocate(size=" + newSize + ")", newSize);
        MemorySegment moved = delegate.allocate(newSize);
        MemorySegment.copy(block, 0, moved, 0, Math.min(block.byteSize(), newSize));
        free(block);
        return moved;
    }

    @Override
    public long usableSize(MemorySegment block) {
        return skewed.contains(block.address()) ? delegate.usableSize(raw(block)) - SKEW : delegate.usableSize(block);
    }

    @Override
    public io.vakit.spi.Stats stats() {
        io.vakit.spi.Stats s = delegate.stats();
        return new io.vakit.spi.Stats(s.reservedBytes(), s.committedBytes(), s.liveBytes() - SKEW * skewed.size(),
                s.liveCount());
    }

    private static MemorySegment raw(MemorySegment block) {
        return MemorySegment.ofAddress(block.address() - SKEW).reinterpret(block.byteSize() + SKEW);
    }

    /** Its provider. */
    public static final class Provider extends BrokenProvider {
        /** Used by ServiceLoader. */
        public Provider() {
            super("aligned-pair", MisalignsOnePairAllocator::new);
        }
    }
}
