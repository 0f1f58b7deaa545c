package io.vakit.design.sized;

/** When a block that has just become empty is released (unmapped). */
public enum ReleasePolicy {
    /**
     * The seed's hysteresis: release only when the class (in this family) has at least 2 blocks and its live slots
     * fit in all blocks but two ({@code live <= capacity x (blocks - 2)}), so a spare stays for the next burst.
     */
    SEED,
    /** Release every block the moment it empties (no spare: the thrashing case, for tests and comparisons). */
    IMMEDIATE,
    /** Never release a block; empty blocks stay on the list. */
    NEVER;

    /** True when an empty block should go, given the class's blocks (the empty one included) and live slots. */
    boolean release(int blocks, long liveSlots, long capacity) {
        return switch (this) {
            case SEED -> blocks >= 2 && liveSlots <= capacity * (blocks - 2);
            case IMMEDIATE -> true;
            case NEVER -> false;
        };
    }
}
