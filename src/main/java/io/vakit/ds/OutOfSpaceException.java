package io.vakit.ds;

/** A structure has no room left: the FSA has no free block, the init arena reached its reservation's end. */
public final class OutOfSpaceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code operation} could not be served; the message says what is full. */
    public OutOfSpaceException(String operation, String detail) {
        super(operation + ": " + detail);
    }
}
