package io.vakit.pal;

/**
 * Reserves address space from the operating system. A reservation is {@code PROT_NONE} and
 * {@code MAP_NORESERVE}: it costs no memory until a range of it is {@linkplain Reservation#commit committed}.
 *
 * <p>Thread-safe. {@link #system()} talks to the kernel directly; {@link #withFaults(FaultPlan)} first asks a
 * fault plan whether the call should fail.
 */
public final class VirtualMemory {
    private static final long PAGE_SIZE = PosixCalls.pageSize();
    private static final VirtualMemory SYSTEM = new VirtualMemory(FaultPlan.none());

    private final FaultPlan faults;

    private VirtualMemory(FaultPlan faults) {
        this.faults = faults;
    }

    /** The virtual memory of this process, with no injected faults. */
    public static VirtualMemory system() {
        return SYSTEM;
    }

    /** Virtual memory whose calls first consult {@code plan}, which can make the Nth call of a kind fail. */
    public static VirtualMemory withFaults(FaultPlan plan) {
        return new VirtualMemory(java.util.Objects.requireNonNull(plan, "plan"));
    }

    /**
     * {@code vm} when it has a fault plan of its own, else virtual memory with a new, empty plan: what an allocator
     * opens with, so that the faults injected into it land in it alone (never in {@link #system()}, shared by all).
     */
    public static VirtualMemory ownFaults(VirtualMemory vm) {
        return vm == SYSTEM ? withFaults(FaultPlan.none()) : vm;
    }

    /**
     * The fault plan this virtual memory consults.
     *
     * @throws IllegalStateException for {@link #system()}, whose calls no plan may fail: it is shared by everything
     */
    public FaultPlan faults() {
        if (this == SYSTEM) {
            throw new IllegalStateException("faults(): the system's virtual memory takes no faults; open with "
                    + "VirtualMemory.ownFaults(vm) or withFaults(plan)");
        }
        return faults;
    }

    /** The page size, from {@code sysconf(_SC_PAGESIZE)}. */
    public static long pageSize() {
        return PAGE_SIZE;
    }

    /** Reserves {@code size} bytes aligned to the page size. */
    public Reservation reserve(long size) {
        return reserve(size, PAGE_SIZE);
    }

    /**
     * Reserves {@code size} bytes whose base is a multiple of {@code alignment}.
     *
     * @param size a positive multiple of the page size
     * @param alignment a power of two, at least the page size
     * @throws IllegalArgumentException if an argument breaks those rules; the message names the call and value
     * @throws VirtualMemoryException if the kernel refuses (ENOMEM when the address space is exhausted)
     */
    public Reservation reserve(long size, long alignment) {
        String call = "reserve(size=" + size + ", alignment=" + alignment + ")";
        if (size <= 0 || size % PAGE_SIZE != 0) {
            throw new IllegalArgumentException(call + ": size must be a positive multiple of the page size "
                    + PAGE_SIZE);
        }
        if (alignment < PAGE_SIZE || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException(call + ": alignment must be a power of two >= the page size "
                    + PAGE_SIZE);
        }
        long span = alignment == PAGE_SIZE ? size : size + alignment - PAGE_SIZE;
        if (span < 0) {
            throw new IllegalArgumentException(call + ": size + alignment overflows");
        }
        long raw = call(Syscall.MMAP, FaultPoint.MAP, mmapArgs(0, span), () -> PosixCalls.mmap(0, span,
                PosixCalls.PROT_NONE,
                PosixCalls.MAP_PRIVATE | PosixCalls.MAP_ANONYMOUS | PosixCalls.MAP_NORESERVE));
        long base = (raw + alignment - 1) & -alignment;
        long head = base - raw;
        long tail = span - head - size;
        if (head > 0) {
            unmap(raw, head);
        }
        if (tail > 0) {
            unmap(base + size, tail);
        }
        return new Reservation(this, base, size, alignment);
    }

    /**
     * Reserves exactly {@code [address, address + size)} ({@code MAP_FIXED_NOREPLACE}): nothing already mapped there
     * is clobbered. For a design whose layout sits at fixed addresses (seed 004's partitions at 2^40 + 2^(38+k)).
     *
     * @param address a multiple of the page size, above 0
     * @param size a positive multiple of the page size
     * @throws IllegalArgumentException if an argument breaks those rules
     * @throws VirtualMemoryException EEXIST when any page of the range is mapped already (also on a kernel older
     *     than 4.17, which takes the address as a hint: a reservation elsewhere is given back at once), ENOMEM when
     *     the address space is exhausted
     */
    public Reservation reserveAt(long address, long size) {
        String call = "reserveAt(address=" + hex(address) + ", size=" + size + ")";
        if (size <= 0 || size % PAGE_SIZE != 0) {
            throw new IllegalArgumentException(call + ": size must be a positive multiple of the page size "
                    + PAGE_SIZE);
        }
        if (address <= 0 || address % PAGE_SIZE != 0 || address + size < address) {
            throw new IllegalArgumentException(call + ": address must be a positive multiple of the page size "
                    + PAGE_SIZE + ", and the range must not wrap");
        }
        String args = "addr=" + hex(address) + ", length=" + size
                + ", prot=PROT_NONE, flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_FIXED_NOREPLACE";
        long got = call(Syscall.MMAP, FaultPoint.MAP, args, () -> PosixCalls.mmap(address, size,
                PosixCalls.PROT_NONE,
                PosixCalls.MAP_PRIVATE | PosixCalls.MAP_ANONYMOUS | PosixCalls.MAP_NORESERVE
                        | PosixCalls.MAP_FIXED_NOREPLACE));
        if (got != address) {
            unmap(got, size);
            throw new VirtualMemoryException(Syscall.MMAP, args, Errno.EEXIST, "the kernel placed it at " + hex(got)
                    + " (MAP_FIXED_NOREPLACE not supported)", false);
        }
        return new Reservation(this, address, size, PAGE_SIZE);
    }

    void protect(long addr, long length, boolean readWrite) {
        int prot = readWrite ? PosixCalls.PROT_READ | PosixCalls.PROT_WRITE : PosixCalls.PROT_NONE;
        String args = "addr=" + hex(addr) + ", length=" + length + ", prot="
                + (readWrite ? "PROT_READ|PROT_WRITE" : "PROT_NONE");
        call(Syscall.MPROTECT, readWrite ? FaultPoint.COMMIT : null, args,
                () -> PosixCalls.mprotect(addr, length, prot));
    }

    void dropPages(long addr, long length) {
        call(Syscall.MADVISE, null, "addr=" + hex(addr) + ", length=" + length + ", advice=MADV_DONTNEED",
                () -> PosixCalls.madvise(addr, length, PosixCalls.MADV_DONTNEED));
    }

    void unmap(long addr, long length) {
        call(Syscall.MUNMAP, null, "addr=" + hex(addr) + ", length=" + length, () -> PosixCalls.munmap(addr, length));
    }

    /**
     * Makes one call, at fault point {@code point} (or none), unless the fault plan says it fails: then the kernel is
     * not asked at all.
     */
    private long call(Syscall call, FaultPoint point, String args,
            java.util.function.Supplier<PosixCalls.Result> kernel) {
        int injected = faults.onCall(call, point);
        if (injected != 0) {
            throw new VirtualMemoryException(call, args, injected, PosixCalls.strerror(injected), true);
        }
        PosixCalls.Result result = kernel.get();
        if (result.failed()) {
            throw new VirtualMemoryException(call, args, result.errno(), PosixCalls.strerror(result.errno()), false);
        }
        return result.value();
    }

    private static String mmapArgs(long addr, long length) {
        return "addr=" + hex(addr) + ", length=" + length
                + ", prot=PROT_NONE, flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE";
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
