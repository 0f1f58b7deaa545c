package io.vakit.spi;

/**
 * An alignment that is not a power of two, or is above the design's maximum alignment.
 */
public final class InvalidAlignmentException extends IllegalArgumentException implements AllocatorFault {
    private static final long serialVersionUID = 1L;
    private final String design;
    private final String operation;

    /** Creates the fault; the message is {@code <operation> in design '<design>': <detail>}. */
    public InvalidAlignmentException(String design, String operation, String detail) {
        super(AllocatorFault.message(design, operation, detail));
        this.design = design;
        this.operation = operation;
    }

    /** Creates the fault with the exception that caused it. */
    public InvalidAlignmentException(String design, String operation, String detail, Throwable cause) {
        this(design, operation, detail);
        initCause(cause);
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
