package io.vakit.spi;

/**
 * The process that runs an implementation died, or hung and was killed, during a call: thrown by an allocator whose
 * implementation runs in another process (a native library in a forked child). It is no misuse and no refusal: the
 * kit judges it on rule C0 (survives). The message says how the process ended (the signal, the faulting frame) and
 * ends with the tail of what it wrote on stderr.
 */
public final class ImplementationDiedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String how;
    private final String stderr;

    /**
     * @param design the design id
     * @param how how the process ended, such as {@code died by SIGSEGV at 0x10, pc 0x7f.. in my_malloc+0x1f (libx.so)}
     * @param stderr the tail of the process's stderr
     */
    public ImplementationDiedException(String design, String how, String stderr) {
        super("design '" + design + "': the process of the implementation " + how);
        this.how = how;
        this.stderr = stderr;
    }

    /** How the process ended: the signal and the frame, or the kill after a hang. */
    public String how() {
        return how;
    }

    /** The tail of the process's stderr. */
    public String stderr() {
        return stderr;
    }
}
