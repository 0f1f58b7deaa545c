package io.vakit.pal;

/**
 * The two points where an allocator asks the kernel for memory, at which a {@link FaultPlan} can make the next call
 * fail: the seam behind {@code Allocator.injectFault}. A point counts only the calls that ask for memory, so that a
 * fault planned there never lands in a free's decommit or a trim's unmap.
 */
public enum FaultPoint {
    /** {@code mmap} of a reservation ({@link VirtualMemory#reserve}, {@link VirtualMemory#reserveAt}). */
    MAP,
    /** {@code mprotect} of a range to read-write ({@link Reservation#commit}). */
    COMMIT
}
