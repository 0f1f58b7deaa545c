package io.vakit.kit.broken;

import io.vakit.spi.Allocator;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;

/** Bug: returns blocks 8 bytes past a correctly aligned start, so they break the 16-byte guarantee. */
public final class MisaligningAllocator extends ForwardingAllocator {
    private static final long SKEW = 8;

    MisaligningAllocator(Allocator delegate) {
        super(delegate);
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        return delegate.allocate(byteSize + SKEW, byteAlignment).asSlice(SKEW);
    }

    @Override
    public void free(MemorySegment block) {
        delegate.free(MemorySegment.ofAddress(block.address() - SKEW).reinterpret(block.byteSize() + SKEW));
    }

    @Override
    public Stats stats() {
        Stats s = delegate.stats();
        return new Stats(s.reservedBytes(), s.committedBytes(), s.liveBytes() - SKEW * s.liveCount(), s.liveCount());
    }

    /** Its provider. */
    public static final class Provider extends BrokenProvider {
        /** Used by ServiceLoader. */
        public Provider() {
            super("misalign", MisaligningAllocator::new);
        }
    }
}
