package io.vakit.kit.lincheck;

import java.util.Arrays;

/**
 * The sequential specification of {@link AllocatorLincheck}: which of the four handles are live. Freeing a live
 * handle is {@code "ok"} and kills it; freeing a dead one is {@code "refused"}; owner lookup finds a block that
 * stays live; an allocation at a class edge gets its {@code "class"} (the scenario's few allocations fit in the
 * refilled container, so none is refused).
 */
public final class AllocatorSpec {
    /** Whether the implementation under test declares owner lookup (set by the test before Lincheck runs). */
    static volatile boolean ownerDeclared;

    private final boolean[] live = {true, true, true, true};

    /** An allocation at either edge of the class. */
    public String alloc(int edge) {
        return "class";
    }

    /** Frees a handle: once. */
    public String free(int handle) {
        if (!live[handle]) {
            return "refused";
        }
        live[handle] = false;
        return "ok";
    }

    /** A block that stays live is always found. */
    public String owner(int handle) {
        return ownerDeclared ? "live" : "n/a";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllocatorSpec m && Arrays.equals(m.live, live);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(live);
    }
}
