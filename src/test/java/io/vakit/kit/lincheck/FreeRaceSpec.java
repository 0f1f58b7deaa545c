package io.vakit.kit.lincheck;

import java.util.Arrays;

/**
 * The sequential specification of {@link FreeRaceLincheck}: the first free of a block is {@code "ok"}, every later one
 * {@code "refused"}; a query is always {@code "answered"} (the block itself, or nothing once it is freed).
 */
public final class FreeRaceSpec {
    /** How many kinds the design has: a kind parameter is taken modulo it (set by the test before Lincheck runs). */
    static volatile int kinds = 5;

    private final boolean[] freed = new boolean[5];

    /** The first free succeeds; the others are refused. */
    public String free(int kind) {
        if (freed[kind % kinds]) {
            return "refused";
        }
        freed[kind % kinds] = true;
        return "ok";
    }

    /** A query names the block or nothing. */
    public String query(int kind, int which) {
        return "answered";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FreeRaceSpec s && Arrays.equals(s.freed, freed);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(freed);
    }
}
