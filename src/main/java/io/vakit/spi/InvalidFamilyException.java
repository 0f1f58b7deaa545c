package io.vakit.spi;

/** A family outside {@code 0 .. families() - 1} of a {@link FamilyAllocator}. */
public final class InvalidFamilyException extends IllegalArgumentException implements AllocatorFault {
    private static final long serialVersionUID = 1L;
    private final String design;
    private final String operation;

    /** Creates the fault; the message is {@code <operation> in design '<design>': <detail>}. */
    public InvalidFamilyException(String design, String operation, String detail) {
        super(AllocatorFault.message(design, operation, detail));
        this.design = design;
        this.operation = operation;
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
