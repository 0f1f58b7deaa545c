package io.vakit.spi;

/**
 * A free, reallocate or usable-size query of something that is not a live block of this allocator;
 * {@link #reason()} says what it is instead.
 */
public final class InvalidFreeException extends IllegalArgumentException implements AllocatorFault {
    private static final long serialVersionUID = 1L;

    /** Why the free was refused. */
    public enum Reason {
        /** The address is in this allocator's space but no block starts there, and none is known. */
        UNKNOWN,
        /** The address lies inside a live block, past its start. */
        INTERIOR,
        /** The block was already freed. */
        DOUBLE,
        /** The segment's size maps to another class than the block's (a sized free). */
        WRONG_SIZE,
        /** The address is outside every range this allocator owns. */
        FOREIGN
    }

    private final String design;
    private final String operation;
    private final Reason reason;

    /** Creates the fault; the message is {@code <operation> in design '<design>': <reason>: <detail>}. */
    public InvalidFreeException(String design, String operation, Reason reason, String detail) {
        super(AllocatorFault.message(design, operation, describe(reason) + ": " + detail));
        this.design = design;
        this.operation = operation;
        this.reason = reason;
    }

    private static String describe(Reason reason) {
        return switch (reason) {
            case UNKNOWN -> "invalid free";
            case INTERIOR -> "invalid interior free";
            case DOUBLE -> "double free";
            case WRONG_SIZE -> "sized free mismatch";
            case FOREIGN -> "foreign free";
        };
    }

    /** Why the free was refused. */
    public Reason reason() {
        return reason;
    }

    @Override
    public String design() {
        return design;
    }

    @Override
    public String operation() {
        return operation;
    }
}
