package io.vakit.nat;

import io.vakit.spi.BlockMemory;
import java.lang.foreign.MemorySegment;

/** A {@link NativeMalloc.Binding}'s functions called in this process, through FFM downcalls. */
record Downcalls(NativeMalloc.Binding b) implements MallocCalls {
    @Override
    public long malloc(long size) throws Throwable {
        return ((MemorySegment) b.malloc().invokeExact(size)).address();
    }

    @Override
    public void free(long address, long size) throws Throwable {
        if (b.sized()) {
            b.free().invokeExact(MemorySegment.ofAddress(address), size);
        } else {
            b.free().invokeExact(MemorySegment.ofAddress(address));
        }
    }

    @Override
    public long calloc(long count, long size) throws Throwable {
        return ((MemorySegment) b.calloc().invokeExact(count, size)).address();
    }

    @Override
    public long realloc(long address, long oldSize, long newSize) throws Throwable {
        return b.sized() ? ((MemorySegment) b.realloc().invokeExact(MemorySegment.ofAddress(address), oldSize, newSize))
                .address() : ((MemorySegment) b.realloc().invokeExact(MemorySegment.ofAddress(address), newSize)).address();
    }

    @Override
    public long alignedAlloc(long alignment, long size) throws Throwable {
        return ((MemorySegment) b.alignedAlloc().invokeExact(alignment, size)).address();
    }

    @Override
    public long usableSize(long address) throws Throwable {
        return (long) b.usableSize().invokeExact(MemorySegment.ofAddress(address));
    }

    @Override
    public long liveCount() throws Throwable {
        return (long) b.liveCount().invokeExact();
    }

    @Override
    public boolean sized() {
        return b.sized();
    }

    @Override
    public boolean hasCalloc() {
        return b.calloc() != null;
    }

    @Override
    public boolean hasRealloc() {
        return b.realloc() != null;
    }

    @Override
    public boolean hasAlignedAlloc() {
        return b.alignedAlloc() != null;
    }

    @Override
    public boolean hasUsableSize() {
        return b.usableSize() != null;
    }

    @Override
    public boolean hasLiveCount() {
        return b.liveCount() != null;
    }

    @Override
    public BlockMemory memory() {
        return BlockMemory.LOCAL;
    }
}
