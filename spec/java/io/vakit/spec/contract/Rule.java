package io.vakit.spec.contract;

import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * The clauses of the allocator contract. Each has a stable id, the section of {@code spec/contract.md} that
 * states it, and the features it needs: a rule whose features the design does not declare is skipped, with
 * that as the reason.
 */
public enum Rule {
    /**
     * The implementation survives every chain: checked where its chains run in a worker process (each chain for
     * native code, {@link io.vakit.spi.AllocatorProvider#isolated()}; the whole run for a Java implementation from
     * outside), where a crash is this rule's failure.
     */
    C0_SURVIVES("C0", "survives", EnumSet.noneOf(Feature.class)),
    /** A block lies inside address space the allocator reserved. */
    C1_CONTAINMENT("C1", "containment", EnumSet.of(Feature.CONTAINMENT)),
    /** A block never overlaps another live block. */
    C2_NO_OVERLAP("C2", "no overlap", EnumSet.noneOf(Feature.class)),
    /** A block is aligned to the asked alignment and to the design's guarantee for its size. */
    C3_ALIGNMENT("C3", "alignment", EnumSet.noneOf(Feature.class)),
    /** A block's usable size is the size of the class its table gives. */
    C4_SIZE_CLASS("C4", "size class", EnumSet.of(Feature.SIZE_CLASSES)),
    /** Bytes written to a block read back intact until it is freed. */
    C5_CONTENTS("C5", "contents kept", EnumSet.noneOf(Feature.class)),
    /** A zeroed allocation reads zero. */
    C6_CALLOC_ZERO("C6", "calloc reads zero", EnumSet.noneOf(Feature.class)),
    /** A reallocated block keeps its first min(old, new) bytes. */
    C7_REALLOC_PREFIX("C7", "realloc keeps the prefix", EnumSet.of(Feature.REALLOC)),
    /** Live bytes and live count match the model; the footprint is consistent. */
    C8_STATS("C8", "stats", EnumSet.noneOf(Feature.class)),
    /** The usable size of a live block is at least its requested size. */
    C9_USABLE_SIZE("C9", "usable size", EnumSet.of(Feature.USABLE_SIZE)),
    /** Owner lookup maps every address of a live block to that block, and a free address to nothing. */
    C10_OWNER("C10", "owner lookup", EnumSet.of(Feature.OWNER_LOOKUP)),
    /** Committed bytes never exceed reserved bytes, and cover the live bytes. */
    C11_FOOTPRINT("C11", "footprint", EnumSet.of(Feature.FOOTPRINT)),
    /**
     * Address-space exhaustion is a typed refusal that changes nothing, is never raised for a modest request while
     * little is live, and the allocator serves again once blocks are freed.
     */
    C12_EXHAUSTION("C12", "exhaustion", EnumSet.noneOf(Feature.class)),
    /**
     * A commit or a map the kit makes fail ({@link io.vakit.spi.Allocator#injectFault}) is refused with
     * AddressSpaceExhaustedException naming the design; stats, holdings and every live block stay as they were, and
     * the same call succeeds once the fault is gone.
     */
    C13_FAULTS("C13", "injected faults refused", EnumSet.of(Feature.FAULT_INJECTION)),
    /** Placement reports the live block's own slot, inside nested units, for any address of the block. */
    L1_PLACEMENT("L1", "placement", EnumSet.of(Feature.PLACEMENT)),
    /** The placement follows the address arithmetic of the seed design the implementation declares it follows. */
    L2_DESIGN_LAYOUT("L2", "design layout", EnumSet.of(Feature.PLACEMENT)),
    /** An interior or unknown address is refused with InvalidFreeException; nothing changes. */
    M1_INVALID_FREE("M1", "invalid free refused", EnumSet.of(Feature.INVALID_FREE_DETECTION)),
    /** A double free is refused with InvalidFreeException; nothing changes. */
    M2_DOUBLE_FREE("M2", "double free refused", EnumSet.of(Feature.INVALID_FREE_DETECTION)),
    /** A block of another allocator is refused with InvalidFreeException; nothing changes. */
    M3_FOREIGN_FREE("M3", "foreign free refused", EnumSet.of(Feature.INVALID_FREE_DETECTION)),
    /** A sized free with a size of another class is refused with InvalidFreeException; nothing changes. */
    M4_WRONG_SIZE("M4", "wrong-size free refused", EnumSet.of(Feature.SIZED_FREE_CHECK)),
    /** A size below 1 or above the maximum is refused with InvalidSizeException; nothing changes. */
    M5_BAD_SIZE("M5", "bad size refused", EnumSet.noneOf(Feature.class)),
    /** A bad alignment is refused with InvalidAlignmentException; nothing changes. */
    M6_BAD_ALIGNMENT("M6", "bad alignment refused", EnumSet.noneOf(Feature.class)),
    /**
     * Every operation after close is refused with AllocatorClosedException, whose message names the design, the
     * operation and its address or size.
     */
    M7_USE_AFTER_CLOSE("M7", "use after close refused", EnumSet.noneOf(Feature.class)),
    /** A free in another family than the block's, or a family out of range, is refused; nothing changes. */
    M8_WRONG_FAMILY("M8", "family misuse refused", EnumSet.of(Feature.FAMILIES)),
    /**
     * Threads that allocate, write, check and free, handing blocks to each other, never see two live blocks overlap
     * or a live block change, and leave nothing live.
     */
    T1_SOAK("T1", "multi-thread soak", EnumSet.of(Feature.THREAD_SAFE)),
    /**
     * While one thread closes the allocator, every call of the other threads completes as if before the close or is
     * refused with AllocatorClosedException; nothing else is thrown, nothing crashes, two closes at once both return,
     * and nothing the allocator held stays mapped.
     */
    T2_CLOSE_RACE("T2", "close races every call", EnumSet.of(Feature.THREAD_SAFE)),
    /**
     * Two threads free one block at once, for a block of every kind (the smallest class, a class edge, a container's
     * last slot, a block above the table, a large mapping): exactly one free succeeds, the other is refused with
     * InvalidFreeException (DOUBLE or UNKNOWN).
     */
    T3_DOUBLE_FREE_RACE("T3", "double frees raced", EnumSet.of(Feature.THREAD_SAFE, Feature.INVALID_FREE_DETECTION)),
    /**
     * owner, placement and owns asked about a block while another thread frees it (and so gives back its container)
     * answer the block's own or nothing; never another block, never an exception.
     */
    T4_QUERY_RACE("T4", "queries race frees", EnumSet.of(Feature.THREAD_SAFE));

    private final String id;
    private final String title;
    private final Set<Feature> needs;

    Rule(String id, String title, Set<Feature> needs) {
        this.id = id;
        this.title = title;
        this.needs = needs;
    }

    /** The stable id, such as {@code C2}. */
    public String id() {
        return id;
    }

    /** A few words naming the clause. */
    public String title() {
        return title;
    }

    /** The id and the title, as violations and reports name a rule: {@code C2 no overlap}. */
    public String label() {
        return id + " " + title;
    }

    /** Where the clause is stated: {@code spec/contract.md#c2}. */
    public String specLink() {
        return "spec/contract.md#" + id.toLowerCase(java.util.Locale.ROOT);
    }

    /** The features the rule needs. */
    public Set<Feature> needs() {
        return needs;
    }

    /** Why the rule does not apply to {@code design}, or empty when it does. */
    public Optional<String> skipReason(DesignDescriptor design) {
        for (Feature f : needs) {
            if (!design.has(f)) {
                return Optional.of("design '" + design.id() + "' does not declare " + f);
            }
        }
        if (this == T4_QUERY_RACE && !design.has(Feature.OWNER_LOOKUP) && !design.has(Feature.PLACEMENT)
                && !design.has(Feature.CONTAINMENT)) {
            return Optional.of("design '" + design.id() + "' declares none of OWNER_LOOKUP, PLACEMENT and CONTAINMENT");
        }
        if (this == C4_SIZE_CLASS && !design.has(Feature.USABLE_SIZE) && !design.has(Feature.OWNER_LOOKUP)) {
            return Optional.of("design '" + design.id() + "' declares neither USABLE_SIZE nor OWNER_LOOKUP");
        }
        if (this == L2_DESIGN_LAYOUT) {
            if (design.followed().isEmpty()) {
                return Optional.of("design '" + design.id() + "' does not declare a seed design whose layout it follows");
            }
            if (io.vakit.spec.layout.LayoutLaws.of(design.follows()).isEmpty()) {
                return Optional.of("the kit has no layout law for '" + design.follows() + "' (it has "
                        + io.vakit.spec.layout.LayoutLaws.designs() + ")");
            }
        }
        return Optional.empty();
    }

    /** The rule whose {@link #label()} is {@code label}, if any. */
    public static Optional<Rule> ofLabel(String label) {
        for (Rule r : values()) {
            if (r.label().equals(label)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
