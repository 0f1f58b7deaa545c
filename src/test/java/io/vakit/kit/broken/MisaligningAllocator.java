package io.vakit.kit.broken;

import io.vakit.spi.Allocator;
import io.vakit.spi.Requests;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.HashSet;
import java.util.Set;

/**
 * Bug: returns blocks 8 bytes past a correctly aligned start, so they break the 16-byte guarantee. Everything else
 * (stats, frees, misuse messages) stays correct, so alignment is the only rule it breaks.
 */
public final class MisaligningAllocator extends ForwardingAllocator {
    private static final long SKEW = 8;
    private final Set<Long> skewed = new HashSet<>();

    MisaligningAllocator(Allocator delegate) {
        super(delegate);
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        Requests.checkAllocation(descriptor(), Requests.allocation(byteSize, byteAlignment), byteSize, byteAlignment);
        return skew(delegate.allocate(byteSize + SKEW, byteAlignment));
    }

    @Override
    public MemorySegment allocateZeroed(long byteSize) {
        Requests.checkSize(descriptor(), "allocateZeroed(size=" + byteSize + ")", byteSize);
        return skew(delegate.allocateZeroed(byteSize + SKEW));
    }

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        if (!skewed.contains(block.address())) {
            return delegate.reallocate(block, newSize);
        }
        Requests.checkSize(descriptor(), "reallocate(size=" + newSize + ")", newSize);
        skewed.remove(block.address());
        return skew(delegate.reallocate(raw(block), newSize + SKEW));
    }

    @Override
    public void free(MemorySegment block) {
        if (skewed.remove(block.address())) {
            delegate.free(raw(block));
        } else {
            delegate.free(block);
        }
    }

    @Override
    public long usableSize(MemorySegment block) {
        return skewed.contains(block.address()) ? delegate.usableSize(raw(block)) - SKEW : delegate.usableSize(block);
    }

    @Override
    public Stats stats() {
        Stats s = delegate.stats();
        return new Stats(s.reservedBytes(), s.committedBytes(), s.liveBytes() - SKEW * s.liveCount(), s.liveCount());
    }

    private MemorySegment skew(MemorySegment raw) {
        MemorySegment s = raw.asSlice(SKEW);
        skewed.add(s.address());
        return s;
    }

    private static MemorySegment raw(MemorySegment block) {
        return MemorySegment.ofAddress(block.address() - SKEW).reinterpret(block.byteSize() + SKEW);
    }

    /** Its provider. */
    public static final class Provider extends BrokenProvider {
        /** Used by ServiceLoader. */
        public Provider() {
            super("misalign", MisaligningAllocator::new);
        }
    }
}
