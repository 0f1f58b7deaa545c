package io.vakit.spi;

import java.lang.foreign.MemorySegment;

/**
 * An allocator with a second dimension, the family: a lifetime or a kind of data that gets blocks of its own (seed
 * 003's {@code Malloc}/{@code Free} with a family argument). A block belongs to the family it was allocated in and is
 * freed or reallocated in that family; the plain {@link Allocator} operations use family 0. Declared with
 * {@link Feature#FAMILIES}, so the kit reaches these operations for any implementation of such a design.
 */
public interface FamilyAllocator extends Allocator {
    /** The number of families: valid families are {@code 0 .. families() - 1}. */
    int families();

    /**
     * Allocates {@code byteSize} bytes in {@code family}, aligned as {@link #allocate(long)} would be.
     *
     * @throws InvalidFamilyException for a family outside {@code 0 .. families() - 1}
     */
    MemorySegment allocateIn(int family, long byteSize);

    /**
     * Frees a live block of {@code family}.
     *
     * @throws InvalidFamilyException for a family outside {@code 0 .. families() - 1}
     * @throws InvalidFreeException for anything but a live block of that family (a block of another family
     *     included)
     */
    void freeIn(int family, MemorySegment block);

    /**
     * Resizes a live block of {@code family}, as {@link #reallocate} does.
     *
     * @throws InvalidFamilyException for a family outside {@code 0 .. families() - 1}
     * @throws InvalidFreeException for anything but a live block of that family
     */
    MemorySegment reallocateIn(int family, MemorySegment block, long newSize);
}
