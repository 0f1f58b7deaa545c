package io.vakit.design.groups;

/**
 * What the address arithmetic of {@code spec/groups.md} finds at an address, before any check.
 *
 * @param kind which group's space the address is in, or where else
 * @param segment the segment index (A, B), or -1
 * @param region the region index in the segment (A; 0 for B), or -1
 * @param unit the chunk (A) or block (B) index, or -1
 * @param index the item index in the chunk (A), or the block index (B), or 0 (C)
 * @param start the start of the item, block or mapping the address falls in
 * @param bytes its size
 * @param sizeClass its class in the table, or -1 (C)
 * @param live true when that item, block or mapping is live
 * @param unused for {@link Kind#UNUSED} and {@link Kind#FOREIGN}, what the address is in; else null
 */
record Location(Kind kind, int segment, int region, int unit, long index, long start, long bytes, int sizeClass,
        boolean live, String unused) {

    /** Where an address falls. */
    enum Kind {
        /** A Group A item of a committed chunk. */
        A,
        /** A Group B block of a segment in use. */
        B,
        /** A Group C mapping. */
        C,
        /** Inside the main reservation, in a free segment or region or a decommitted chunk. */
        UNUSED,
        /** Outside the main reservation and every Group C mapping. */
        FOREIGN
    }

    static Location nowhere(Kind kind, String where) {
        return new Location(kind, -1, -1, -1, -1, 0, 0, -1, false, where);
    }

    /** The units named, for messages (built only when a message needs it). */
    String where() {
        return switch (kind) {
            case A -> "item " + index + " of chunk " + unit + " of region " + region + " of segment " + segment;
            case B -> "block " + index + " of segment " + segment;
            case C -> "Group C mapping";
            default -> unused;
        };
    }
}
