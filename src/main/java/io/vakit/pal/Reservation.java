package io.vakit.pal;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A range of reserved address space: {@code [base, base + size)}, aligned as asked.
 *
 * <p>Pages start inaccessible ({@code PROT_NONE}). {@link #commit} makes a page-aligned range readable and
 * writable; {@link #decommit} drops its physical pages ({@code madvise(MADV_DONTNEED)}) and makes it
 * inaccessible again, so the range reads as zero once committed again. {@link #close} releases everything
 * ({@code munmap}). Touching a range that is not committed faults the process: callers commit first.
 *
 * <p>Thread-safe: the operations are single system calls; the caller decides which ranges are committed.
 */
public final class Reservation implements AutoCloseable {
    private final VirtualMemory vm;
    private final long base;
    private final long size;
    private final long alignment;
    private final AtomicBoolean released = new AtomicBoolean();

    Reservation(VirtualMemory vm, long base, long size, long alignment) {
        this.vm = vm;
        this.base = base;
        this.size = size;
        this.alignment = alignment;
    }

    /** The first address of the reservation. */
    public long base() {
        return base;
    }

    /** The number of bytes reserved. */
    public long size() {
        return size;
    }

    /** The alignment the base honours. */
    public long alignment() {
        return alignment;
    }

    /** True when {@code [address, address + length)} lies inside this reservation. */
    public boolean contains(long address, long length) {
        return length >= 0 && address >= base && address - base <= size - length;
    }

    /** True once {@link #close} has run. */
    public boolean released() {
        return released.get();
    }

    /**
     * A segment over {@code [base + offset, base + offset + length)}. Only committed bytes may be accessed.
     *
     * @throws IllegalArgumentException if the range is not inside the reservation
     */
    public MemorySegment segment(long offset, long length) {
        checkRange("segment", offset, length, false);
        return MemorySegment.ofAddress(base + offset).reinterpret(length);
    }

    /** Makes the page-aligned range readable and writable; its pages are zero when first touched. */
    public void commit(long offset, long length) {
        checkRange("commit", offset, length, true);
        vm.protect(base + offset, length, true);
    }

    /** Drops the physical pages of the page-aligned range and makes it inaccessible. */
    public void decommit(long offset, long length) {
        checkRange("decommit", offset, length, true);
        vm.dropPages(base + offset, length);
        vm.protect(base + offset, length, false);
    }

    /**
     * Drops the physical pages of the page-aligned committed range but leaves it committed: it reads zero when next
     * touched, and touching it does not fault ({@code madvise(MADV_DONTNEED)}, what mimalloc calls a reset).
     */
    public void reset(long offset, long length) {
        checkRange("reset", offset, length, true);
        vm.dropPages(base + offset, length);
    }

    /** Releases the whole reservation. A second call is refused with {@link IllegalStateException}. */
    @Override
    public void close() {
        if (!released.compareAndSet(false, true)) {
            throw new IllegalStateException("release(" + describe() + "): already released");
        }
        vm.unmap(base, size);
    }

    private void checkRange(String op, long offset, long length, boolean pageAligned) {
        String call = op + "(offset=" + offset + ", length=" + length + ") on " + describe();
        if (released.get()) {
            throw new IllegalStateException(call + ": reservation already released");
        }
        if (offset < 0 || length <= 0 || offset > size - length) {
            throw new IllegalArgumentException(call + ": range outside the reservation");
        }
        long page = VirtualMemory.pageSize();
        if (pageAligned && (offset % page != 0 || length % page != 0)) {
            throw new IllegalArgumentException(call + ": offset and length must be multiples of the page size "
                    + page);
        }
    }

    private String describe() {
        return "reservation [" + VirtualMemory.hex(base) + ", " + VirtualMemory.hex(base + size) + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
