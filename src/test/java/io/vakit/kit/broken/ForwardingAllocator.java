package io.vakit.kit.broken;

import io.vakit.spi.Allocator;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;

/** Forwards every call to a correct allocator; each broken allocator overrides the one thing it gets wrong. */
public abstract class ForwardingAllocator implements Allocator {
    final Allocator delegate;

    /** Forwards to {@code delegate}. */
    protected ForwardingAllocator(Allocator delegate) {
        this.delegate = delegate;
    }

    @Override
    public DesignDescriptor descriptor() {
        return delegate.descriptor();
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        return delegate.allocate(byteSize, byteAlignment);
    }

    @Override
    public void free(MemorySegment block) {
        delegate.free(block);
    }

    @Override
    public MemorySegment allocateZeroed(long byteSize) {
        return delegate.allocateZeroed(byteSize);
    }

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        return delegate.reallocate(block, newSize);
    }

    @Override
    public long usableSize(MemorySegment block) {
        return delegate.usableSize(block);
    }

    @Override
    public java.util.Optional<io.vakit.spi.BlockInfo> owner(long address) {
        return delegate.owner(address);
    }

    @Override
    public boolean owns(long address, long length) {
        return delegate.owns(address, length);
    }

    @Override
    public java.util.Optional<io.vakit.spi.Placement> placement(long address) {
        return delegate.placement(address);
    }

    @Override
    public long idleCommittedBound() {
        return delegate.idleCommittedBound();
    }

    @Override
    public java.util.List<io.vakit.spi.AddressRange> reservedRanges() {
        return delegate.reservedRanges();
    }

    @Override
    public Stats stats() {
        return delegate.stats();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
