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
        MemorySegment s = delegate.allocate(byteSize, byteAlignment); // checks and refusals stay correct
        if (++count % EVERY == 0 && last != 0) {
            delegate.free(s);
            return MemorySegment.ofAddress(last).reinterpret(byteSize);
        }
        last = s.address();
        return s;
    }

    @Override
    public void free(MemorySegment block) {
        delegate.free(block);
        forget(block);
    }

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        MemorySegment moved = delegate.reallocate(block, newSize);
        forget(block);
        return moved;
    }

    @Override
    public void close() {
        last = 0;
        delegate.close();
    }

    private void forget(MemorySegment block) {
        if (block.address() == last) {
            last = 0; // only a live block is handed out twice: the bug is the overlap, nothing else
        }
    }

    /** Its provider. */
    public static final class Provider extends BrokenProvider {
        /** Used by ServiceLoader. */
        public Provider() {
            super("overlap", OverlappingAllocator::new);
        }
    }
}
