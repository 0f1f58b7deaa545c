package io.vakit.kit.lincheck;

import java.util.Arrays;

/**
 * The sequential specification of {@link AllocatorLincheck}: which of the four handles are live and, from
 * exhaustion, how many allocations the frees so far have made room for. Freeing a live handle is {@code "ok"} and
 * kills it; freeing a dead one is {@code "refused"}; owner lookup finds a block that stays live. At the refill edges
 * an allocation gets its {@code "class"} (the scenario's few allocations fit in the refilled container); from
 * exhaustion it gets its class when a free made room for it, and is {@code "exhausted"} otherwise. Where
 * {@link io.vakit.spi.Feature#OWNER_REUSES_REMOTE_FREES} is declared, no free in a scenario makes room: the setup's
 * thread allocated every block, so every free is from another thread, and that owner never allocates again.
 */
public final class AllocatorSpec {
    /** Whether the implementation under test declares owner lookup (set by the test before Lincheck runs). */
    static volatile boolean ownerDeclared;
    /** Whether the scenarios start from exhaustion (set by the test before Lincheck runs). */
    static volatile boolean exhaustion;
    /** Whether only a block's owner thread reuses it after a free from another thread (set likewise). */
    static volatile boolean ownerReuses;

    private final boolean[] live = {true, true, true, true};
    private int room;

    /** An allocation at an edge of the class. */
    public String alloc(int edge) {
        if (!exhaustion) {
            return "class";
        }
        if (room == 0) {
            return "exhausted";
        }
        room--;
        return "class";
    }

    /** Frees a handle: once; from exhaustion, each free makes room for one allocation. */
    public String free(int handle) {
        if (!live[handle]) {
            return "refused";
        }
        live[handle] = false;
        if (!ownerReuses) {
            room++;
        }
        return "ok";
    }

    /** A block that stays live is always found. */
    public String owner(int handle) {
        return ownerDeclared ? "live" : "n/a";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllocatorSpec m && Arrays.equals(m.live, live) && m.room == room;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(live) * 31 + room;
    }
}
