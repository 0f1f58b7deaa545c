package io.vakit.kit.broken;

import io.vakit.spi.Allocator;
import java.lang.foreign.MemorySegment;

/** Bug: calloc is plain malloc, so reused memory keeps its old bytes. */
public final class UnzeroedCallocAllocator extends ForwardingAllocator {
    UnzeroedCallocAllocator(Allocator delegate) {
        super(delegate);
    }

    @Override
    public MemorySegment allocateZeroed(long byteSize) {
        return delegate.allocate(byteSize);
    }

    /** Its provider. */
    public static final class Provider extends BrokenProvider {
        /** Used by ServiceLoader. */
        public Provider() {
            super("calloc", UnzeroedCallocAllocator::new);
        }
    }
}
