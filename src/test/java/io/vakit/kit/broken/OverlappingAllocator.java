package io.vakit.kit.broken;

import io.vakit.spi.Allocator;
import java.lang.foreign.MemorySegment;

/** Bug: every {@value #EVERY}rd allocation returns the previous block's address again, while it is still live. */
public final class OverlappingAllocator extends ForwardingAllocator {
    /** Which allocations go wrong. */
    static final int EVERY = 3;
    private int count;
    private long last;

    OverlappingAllocator(Allocator delegate) {
        super(delegate);
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (++count % EVERY == 0 && last != 0) {
            return MemorySegment.ofAddress(last).reinterpret(byteSize);
        }
        MemorySegment s = delegate.allocate(byteSize, byteAlignment);
        last = s.address();
        return s;
    }

    /** Its provider. */
    public static final class Provider extends BrokenProvider {
        /** Used by ServiceLoader. */
        public Provider() {
            super("overlap", OverlappingAllocator::new);
        }
    }
}
