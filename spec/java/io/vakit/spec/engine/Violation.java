package io.vakit.spec.engine;

/** A clause of a specification that the system under test broke. {@link #rule()} names the clause. */
public final class Violation extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String rule;

    /** A violation of {@code rule}, explained by {@code message}. */
    public Violation(String rule, String message) {
        super(rule + ": " + message);
        this.rule = rule;
    }

    /** A violation of {@code rule} caused by an exception the system threw. */
    public Violation(String rule, String message, Throwable cause) {
        this(rule, message);
        initCause(cause);
    }

    /** The id of the broken clause. */
    public String rule() {
        return rule;
    }
}
