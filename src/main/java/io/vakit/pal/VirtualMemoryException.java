package io.vakit.pal;

/**
 * A virtual-memory call failed. The message names the call, its arguments and the errno name, for example
 * {@code mmap(addr=0x0, length=68719476736, prot=PROT_NONE, flags=MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE)
 * failed: ENOMEM (Cannot allocate memory)}.
 */
public final class VirtualMemoryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Syscall call;
    private final int errno;
    private final boolean injected;

    VirtualMemoryException(Syscall call, String arguments, int errno, String description, boolean injected) {
        super(call.cName() + "(" + arguments + ") failed: " + Errno.name(errno) + " (" + description + ")"
                + (injected ? " [injected by FaultPlan]" : ""));
        this.call = call;
        this.errno = errno;
        this.injected = injected;
    }

    /** The call that failed. */
    public Syscall call() {
        return call;
    }

    /** The errno the call reported. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, such as {@code ENOMEM}. */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** True when the failure came from a {@link FaultPlan}, not from the kernel. */
    public boolean injected() {
        return injected;
    }

    /** True when the failure means the address space (or the map count) is exhausted. */
    public boolean outOfAddressSpace() {
        return errno == Errno.ENOMEM;
    }
}
