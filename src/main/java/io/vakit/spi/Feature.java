package io.vakit.spi;

/**
 * Optional behaviour an implementation declares in its {@link DesignDescriptor}. The kit exercises a check
 * only when the feature it needs is declared, and reports every other check as skipped, with the reason.
 */
public enum Feature {
    /** {@link Allocator#reallocate} is offered. */
    REALLOC,
    /** A {@link Allocator#reallocate} to a size of the block's own size class returns the same address. */
    REALLOC_IN_PLACE,
    /**
     * With {@link #REALLOC_IN_PLACE}, beyond the size-class table too (or without one): a {@link Allocator#reallocate}
     * to a size whose fresh blocks get exactly the block's usable size (its own slot: a part, a run, a mapping of the
     * same length) returns the same address.
     */
    REALLOC_IN_SLOT,
    /**
     * Explicit alignments above the natural guarantee, up to {@link DesignDescriptor#maxAlignment()}, for every size.
     * Without it, an alignment above the natural one for the size is refused with {@link InvalidAlignmentException}.
     */
    ALIGNED_ALLOCATION,
    /** {@link Allocator#usableSize} is offered. */
    USABLE_SIZE,
    /** {@link Allocator#owner} maps any address inside a live block to that block. */
    OWNER_LOOKUP,
    /** The descriptor has a {@link SizeClassTable}, and the usable size of a block is its class size. */
    SIZE_CLASSES,
    /** {@link Allocator#owns} tells whether a range lies in the allocator's reserved address space. */
    CONTAINMENT,
    /**
     * {@link Stats#reservedBytes()} and {@link Stats#committedBytes()} are measured, not zero, and
     * {@link Allocator#reservedRanges()} lists the ranges behind them, so the kit can ask the kernel.
     */
    FOOTPRINT,
    /**
     * With {@link #FOOTPRINT}: {@link Allocator#idleCommittedBound()} states how much the allocator may keep committed
     * once no block is live, and the kit holds it to that (and the kernel to no more resident) each time the last
     * live block is freed.
     */
    IDLE_BOUND,
    /**
     * {@link AllocatorProvider#openSmall()} opens an allocator of the same design whose address space is small enough
     * for a test to exhaust, so that exhaustion and the recovery after it can be checked.
     */
    SMALL_CONFIGURATION,
    /** Unknown, interior, double and foreign frees raise {@link InvalidFreeException}. */
    INVALID_FREE_DETECTION,
    /**
     * With {@link #INVALID_FREE_DETECTION}: a refused free or reallocation names its exact reason wherever the
     * allocator still holds the memory: {@code INTERIOR} for an address inside a live block, {@code FOREIGN} for one
     * outside every range it reserved, and {@code DOUBLE} for the start of a freed block whose container of equal
     * slots (its {@link Placement} level just outside the block, stating a capacity) has held a live block ever
     * since. {@code UNKNOWN} is left for memory it may have given back.
     */
    EXACT_REASONS,
    /** A free whose segment size maps to another class raises {@link InvalidFreeException} (WRONG_SIZE). */
    SIZED_FREE_CHECK,
    /**
     * {@link Allocator#placement} tells where the design's own address arithmetic put a live block (segment,
     * region, chunk, item...). With {@link DesignDescriptor#follows()} the kit also checks that placement against
     * the followed design's layout.
     */
    PLACEMENT,
    /**
     * The allocator is a {@link FamilyAllocator}: blocks belong to families (lifetimes, kinds), and a free in the
     * wrong family is refused.
     */
    FAMILIES,
    /**
     * Every operation may be called from any thread at once, {@link Allocator#close()} included: a call racing the
     * close completes as if before it or is refused with {@link AllocatorClosedException}.
     */
    THREAD_SAFE,
    /**
     * With {@link #THREAD_SAFE}: memory belongs to the thread that allocated it. A free by another thread is deferred
     * to the owner, which takes it back at its own next allocation; until then the block's memory is reused by no one.
     * So a free from another thread need not make room for the thread that made it, or for any thread but the owner.
     */
    OWNER_REUSES_REMOTE_FREES,
    /**
     * {@link Allocator#injectFault} makes one of the allocator's next commits or maps fail as the kernel would; the kit
     * then holds every such failure to a typed refusal that changes nothing.
     */
    FAULT_INJECTION
}
