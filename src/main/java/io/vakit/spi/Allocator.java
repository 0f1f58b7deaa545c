package io.vakit.spi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.util.Optional;

/**
 * An off-heap allocator: a {@link SegmentAllocator} that also frees.
 *
 * <p>A block is the {@link MemorySegment} an allocation returns: its address is the block start and its
 * {@linkplain MemorySegment#byteSize() size} the requested size, so {@code free(block)} is also a sized free.
 * After {@link #close()} every operation raises {@link AllocatorClosedException}; {@code close} itself is
 * idempotent.
 *
 * <p>Every misuse raises an {@link AllocatorFault} and leaves the allocator exactly as it was. Thread safety is
 * what {@link Feature#THREAD_SAFE} in the {@linkplain #descriptor() descriptor} says.
 */
public interface Allocator extends SegmentAllocator, AutoCloseable {

    /** The design this allocator follows. */
    DesignDescriptor descriptor();

    /**
     * Allocates a block of {@code byteSize} bytes aligned to at least {@code byteAlignment} and to the design's
     * {@linkplain DesignDescriptor#alignment() guarantee} for that size. An alignment above that guarantee is honoured
     * when the design declares {@link Feature#ALIGNED_ALLOCATION} (up to {@link DesignDescriptor#maxAlignment()});
     * otherwise it is refused, because a design that frees by size cannot tell, from the size alone, that a block
     * came from a larger class.
     *
     * @throws InvalidSizeException if {@code byteSize} is below 1 or above the design's maximum
     * @throws InvalidAlignmentException if {@code byteAlignment} is not a power of two, above the maximum, or above
     *     the natural alignment of {@code byteSize} without {@link Feature#ALIGNED_ALLOCATION}
     * @throws AddressSpaceExhaustedException if no address space is left for the block
     * @throws AllocatorClosedException after {@link #close()}
     */
    @Override
    MemorySegment allocate(long byteSize, long byteAlignment);

    /**
     * Frees a live block. The segment's address must be a block start; its size is the size that was asked.
     *
     * @throws InvalidFreeException for an unknown, interior, already freed or foreign address, or (with
     *     {@link Feature#SIZED_FREE_CHECK}) a size of another class
     * @throws AllocatorClosedException after {@link #close()}
     */
    void free(MemorySegment block);

    /**
     * Allocates {@code byteSize} zeroed bytes, aligned as {@link #allocate(long)} would be (calloc).
     * The default allocates and fills; an implementation may know the memory is already zero.
     */
    default MemorySegment allocateZeroed(long byteSize) {
        return allocate(byteSize).fill((byte) 0);
    }

    /**
     * Allocates {@code count * elementSize} zeroed bytes (C's {@code calloc(count, size)}); the block's size is the
     * product. The default refuses a product that overflows, or a count or size below 1, before allocating.
     *
     * @throws InvalidSizeException if {@code count} or {@code elementSize} is below 1, or their product overflows or
     *     is above the design's maximum
     */
    default MemorySegment allocateZeroed(long count, long elementSize) {
        String op = "allocateZeroed(count=" + count + ", size=" + elementSize + ")";
        if (count < 1 || elementSize < 1 || Requests.productOverflows(count, elementSize)) {
            stats(); // after close, this raises AllocatorClosedException: closed comes before bad input
            throw new InvalidSizeException(descriptor().id(), op, "count " + count + " times size " + elementSize
                    + (count < 1 || elementSize < 1 ? " has a factor below 1" : " overflows"));
        }
        return allocateZeroed(count * elementSize);
    }

    /**
     * Resizes a live block, keeping its first {@code min(old, new)} bytes. The result is aligned to the natural
     * guarantee for {@code newSize} (not to an explicit alignment the block was allocated with). The old
     * segment must not be used afterwards, even if the address did not change. On failure the old block stays
     * live and intact.
     *
     * @throws FeatureNotOfferedException unless the design declares {@link Feature#REALLOC}
     */
    default MemorySegment reallocate(MemorySegment block, long newSize) {
        throw new FeatureNotOfferedException(descriptor().id(), "reallocate", Feature.REALLOC);
    }

    /**
     * The bytes usable in a live block, at least its requested size.
     *
     * @throws FeatureNotOfferedException unless the design declares {@link Feature#USABLE_SIZE}
     */
    default long usableSize(MemorySegment block) {
        throw new FeatureNotOfferedException(descriptor().id(), "usableSize", Feature.USABLE_SIZE);
    }

    /**
     * The live block containing {@code address}, or empty when no live block does.
     *
     * @throws FeatureNotOfferedException unless the design declares {@link Feature#OWNER_LOOKUP}
     */
    default Optional<BlockInfo> owner(long address) {
        throw new FeatureNotOfferedException(descriptor().id(), "owner", Feature.OWNER_LOOKUP);
    }

    /**
     * Where the design placed the live block containing {@code address}, as its own address arithmetic finds it,
     * or empty when no live block contains it.
     *
     * @throws FeatureNotOfferedException unless the design declares {@link Feature#PLACEMENT}
     */
    default Optional<Placement> placement(long address) {
        throw new FeatureNotOfferedException(descriptor().id(), "placement", Feature.PLACEMENT);
    }

    /**
     * True when {@code [address, address + length)} lies inside address space this allocator reserved.
     *
     * @throws FeatureNotOfferedException unless the design declares {@link Feature#CONTAINMENT}
     */
    default boolean owns(long address, long length) {
        throw new FeatureNotOfferedException(descriptor().id(), "owns", Feature.CONTAINMENT);
    }

    /**
     * The address ranges this allocator holds reserved now: its reservations and mappings, metadata included. Their
     * bytes add up to {@link Stats#reservedBytes()}; the kit asks the kernel what is resident in them, and checks
     * that they are unmapped after {@link #close()}.
     *
     * @throws FeatureNotOfferedException unless the design declares {@link Feature#FOOTPRINT}
     */
    default java.util.List<AddressRange> reservedRanges() {
        throw new FeatureNotOfferedException(descriptor().id(), "reservedRanges", Feature.FOOTPRINT);
    }

    /**
     * The most bytes this allocator may keep committed when no block is live, by its design's stated rule: the
     * containers it keeps for reuse, and its metadata. The rule may count what was opened so far (classes, bins,
     * families used; metadata the design keeps once grown) but never the blocks that were allocated and freed, so an
     * allocator that never gives memory back exceeds it after a burst. The kit compares {@link Stats#committedBytes()}
     * with it each time the last live block is freed.
     *
     * @throws FeatureNotOfferedException unless the design declares {@link Feature#IDLE_BOUND}
     */
    default long idleCommittedBound() {
        throw new FeatureNotOfferedException(descriptor().id(), "idleCommittedBound", Feature.IDLE_BOUND);
    }

    /**
     * Makes the allocator's request to the kernel of {@code kind} after its next {@code skip} ones fail, once, as the
     * kernel fails one when memory runs out ({@code ENOMEM}); a fault of that kind injected before and not fired yet is
     * replaced. The call that meets the fault must be refused with {@link AddressSpaceExhaustedException} and leave
     * everything as it was (stats, reserved ranges, every live block), and the next call must work.
     *
     * @throws FeatureNotOfferedException unless the design declares {@link Feature#FAULT_INJECTION}
     */
    default void injectFault(InjectedFault kind, int skip) {
        throw new FeatureNotOfferedException(descriptor().id(), "injectFault", Feature.FAULT_INJECTION);
    }

    /**
     * Removes every injected fault that has not fired.
     *
     * @throws FeatureNotOfferedException unless the design declares {@link Feature#FAULT_INJECTION}
     */
    default void clearFaults() {
        throw new FeatureNotOfferedException(descriptor().id(), "clearFaults", Feature.FAULT_INJECTION);
    }

    /**
     * How many injected faults of {@code kind} have fired since the allocator opened.
     *
     * @throws FeatureNotOfferedException unless the design declares {@link Feature#FAULT_INJECTION}
     */
    default long faultsFired(InjectedFault kind) {
        throw new FeatureNotOfferedException(descriptor().id(), "faultsFired", Feature.FAULT_INJECTION);
    }

    /** The allocator's counters now. */
    Stats stats();

    /**
     * Where the blocks' bytes are read and written by someone who is not their user: {@link BlockMemory#LOCAL}, this
     * process, unless the implementation runs in a process of its own.
     */
    default BlockMemory blockMemory() {
        return BlockMemory.LOCAL;
    }

    /**
     * Releases everything. Live blocks become invalid. Idempotent. With {@link Feature#THREAD_SAFE}, a close may race
     * any other call: that call completes as if before the close, or is refused with
     * {@link AllocatorClosedException}; two closes at once release everything once.
     */
    @Override
    void close();
}
