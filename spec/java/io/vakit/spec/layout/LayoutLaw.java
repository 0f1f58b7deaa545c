package io.vakit.spec.layout;

import io.vakit.spi.Placement;
import java.util.Optional;

/** The address arithmetic of one seed design, checked against the placement an implementation reports. */
public interface LayoutLaw {

    /** The id of the design whose layout this is. */
    String design();

    /**
     * The law in words, one case per row: which sizes, the levels (outermost first), and the arithmetic that finds
     * each from the address; for the spec's generated table.
     */
    java.util.List<Case> cases();

    /**
     * One case of a law.
     *
     * @param sizes the requests it covers
     * @param levels the unit names, outermost first
     * @param arithmetic how each level follows from the address
     */
    record Case(String sizes, String levels, String arithmetic) {}

    /**
     * Checks the placement of a live block.
     *
     * @param address the block's start
     * @param size its requested size
     * @param placement what the implementation reports
     * @param anchors what earlier placements of the same allocator fixed (its base, its segment size)
     * @return the first way the placement breaks the law, or empty
     */
    Optional<String> check(long address, long size, Placement placement, Anchors anchors);

    /**
     * The same, knowing the alignment the block was asked at ({@code 0}: not known, as for a reallocated block or a
     * placement asked again later). A law whose design serves an aligned request from a larger unit accepts such a
     * unit without the alignment, since any block may have been asked so; with it, only the unit the request needs.
     * By default the law does not depend on it.
     */
    default Optional<String> check(long address, long size, long alignment, Placement placement, Anchors anchors) {
        return check(address, size, placement, anchors);
    }

    /**
     * The natural alignment the design's spec gives a request of {@code size} bytes made with no alignment: what its
     * arithmetic puts every such block at a multiple of. A design that follows this law states at least this much
     * ({@code DesignDescriptor.alignment()}); empty while an anchor it depends on (a segment or arena size) is not
     * yet fixed.
     */
    Optional<Long> naturalAlignment(long size, Anchors anchors);
}
