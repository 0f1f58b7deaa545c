package io.vakit.nat;

import io.vakit.spi.BlockMemory;

/**
 * The primitive calls of a malloc family, wherever the library runs: bound in this process ({@link Downcalls}) or in a
 * forked child ({@link ForkedChild}). Addresses are the library's; 0 is NULL. A function the library lacks is never
 * called: its {@code has} method says false. {@code size} in {@link #free} and {@code oldSize} in {@link #realloc}
 * reach a library with sized free only.
 */
interface MallocCalls {
    /** malloc(size). */
    long malloc(long size) throws Throwable;

    /** free(address), or free(address, size). */
    void free(long address, long size) throws Throwable;

    /** calloc(count, size). */
    long calloc(long count, long size) throws Throwable;

    /** realloc(address, newSize), or realloc(address, oldSize, newSize). */
    long realloc(long address, long oldSize, long newSize) throws Throwable;

    /** aligned_alloc(alignment, size). */
    long alignedAlloc(long alignment, long size) throws Throwable;

    /** The library's usable size of a live block. */
    long usableSize(long address) throws Throwable;

    /** The library's own count of live blocks. */
    long liveCount() throws Throwable;

    /** True when free and realloc take the old size. */
    boolean sized();

    /** True when the library binds calloc. */
    boolean hasCalloc();

    /** True when the library binds realloc. */
    boolean hasRealloc();

    /** True when the library binds aligned_alloc. */
    boolean hasAlignedAlloc();

    /** True when the library binds its usable size. */
    boolean hasUsableSize();

    /** True when the library's user mapped a live count. */
    boolean hasLiveCount();

    /** Where the blocks' bytes are. */
    BlockMemory memory();

    /** Ends what the calls run in, after the allocator's close (a forked child exits). */
    default void release() {}
}
