package io.vakit.kit.broken;

import io.vakit.spi.Allocator;
import io.vakit.spi.InvalidFreeException;
import java.lang.foreign.MemorySegment;

/** Bug: a double free returns quietly instead of raising InvalidFreeException (DOUBLE). */
public final class SilentDoubleFreeAllocator extends ForwardingAllocator {
    SilentDoubleFreeAllocator(Allocator delegate) {
        super(delegate);
    }

    @Override
    public void free(MemorySegment block) {
        try {
            delegate.free(block);
        } catch (InvalidFreeException e) {
            if (e.reason() != InvalidFreeException.Reason.DOUBLE) {
                throw e;
            }
        }
    }

    /** Its provider. */
    public static final class Provider extends BrokenProvider {
        /** Used by ServiceLoader. */
        public Provider() {
            super("double-free", SilentDoubleFreeAllocator::new);
        }
    }
}
