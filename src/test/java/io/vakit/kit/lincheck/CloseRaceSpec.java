package io.vakit.kit.lincheck;

import java.util.Arrays;

/**
 * The sequential specification of {@link CloseRaceLincheck}: before the close every call completes, after it every
 * call is {@code "closed"}; a set-up block is used once, later uses are {@code "claimed"}.
 */
public final class CloseRaceSpec {
    /** How many kinds the design has: a kind parameter is taken modulo it (set by the test before Lincheck runs). */
    static volatile int kinds = 5;

    private final boolean[] claimed = new boolean[5];
    private boolean closed;

    /** An allocation completes before the close. */
    public String alloc(int kind) {
        return closed ? "closed" : "ok";
    }

    /** The first use of a set-up block; later ones are claimed. */
    public String free(int kind) {
        if (claimed[kind % kinds]) {
            return "claimed";
        }
        claimed[kind % kinds] = true;
        return closed ? "closed" : "ok";
    }

    /** As {@link #free}. */
    public String realloc(int kind) {
        return free(kind);
    }

    /** A query is answered before the close. */
    public String query(int kind) {
        return closed ? "closed" : "answered";
    }

    /** Closes; idempotent. */
    public String close() {
        closed = true;
        return "closed";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CloseRaceSpec s && s.closed == closed && Arrays.equals(s.claimed, claimed);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(claimed) * 31 + (closed ? 1 : 0);
    }
}
