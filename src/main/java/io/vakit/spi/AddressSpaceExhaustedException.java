package io.vakit.spi;

/**
 * No address space (or no committable memory) is left for the request. The allocator stays usable: free, then allocate again.
 */
public final class AddressSpaceExhaustedException extends RuntimeException implements AllocatorFault {
    private static final long serialVersionUID = 1L;
    private final String design;
    private final String operation;

    /** Creates the fault; the message is {@code <operation> in design '<design>': <detail>}. */
    public AddressSpaceExhaustedException(String design, String operation, String detail) {
        super(AllocatorFault.message(design, operation, detail));
        this.design = design;
        this.operation = operation;
    }

    /** Creates the fault with the exception that caused it. */
    public AddressSpaceExhaustedException(String design, String operation, String detail, Throwable cause) {
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
