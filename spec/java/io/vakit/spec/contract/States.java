package io.vakit.spec.contract;

import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import io.vakit.spi.SizeClassTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The states a contract run must reach, by name: each class edge, the largest sizes, aligned pairs, realloc across
 * classes, full and emptied containers, exhaustion and recovery, written slack. A run records every state it reached
 * in its coverage (as {@code state:<name>}); a state that the declared features make reachable but that no chain
 * reached is UNCHECKED, and the run fails. See spec/contract.md, "Coverage".
 */
public final class States {
    /** The coverage key prefix of a state. */
    public static final String PREFIX = "state:";
    /** Without a size-class table, edges are drawn around the powers of two up to this one. */
    public static final int EDGE_SHIFT = 30;

    private States() {}

    /** A successful allocation of exactly {@code size} bytes, a class edge. */
    public static String edge(long size) {
        return "edge " + size;
    }

    /** An aligned pair {@code (size, alignment)} tried: served, or refused above the natural alignment. */
    public static String pair(long size, long alignment) {
        return "aligned pair (" + size + ", " + alignment + ")";
    }

    /** True when {@code (size, alignment)} is one of the aligned pairs (k*A, A), k = 1..3, A at least 16. */
    static boolean isPair(long size, long alignment) {
        return alignment >= 16 && size % alignment == 0 && size / alignment <= 3;
    }

    /**
     * The aligned pairs every run tries: (k*A, A) for k = 1, 2, 3 and every power of two A from 16 up to the
     * design's maximum alignment (and up to its largest block).
     */
    public static long[][] pairs(DesignDescriptor design) {
        java.util.List<long[]> out = new ArrayList<>();
        for (long a = 16; a > 0 && a <= design.maxAlignment(); a <<= 1) {
            for (long k = 1; k <= 3; k++) {
                if (k * a <= design.maxBlockSize()) {
                    out.add(new long[] {k * a, a});
                }
            }
        }
        return out.toArray(long[][]::new);
    }

    /** A successful allocation above the table's last class (or of at least 2^30 bytes without a table). */
    public static final String BEYOND_TABLE = "beyond the last class";
    /** A successful allocation with an explicit alignment of at least 256. */
    public static final String ALIGNED_256 = "aligned to 256 or more";
    /** A successful allocation with an alignment above the natural one for its size. */
    public static final String ABOVE_NATURAL = "aligned above natural";
    /** An alignment above the natural one refused, by a design without ALIGNED_ALLOCATION. */
    public static final String ABOVE_NATURAL_REFUSED = "aligned above natural refused";
    /** A reallocation to a larger class. */
    public static final String REALLOC_UP = "realloc up a class";
    /** A reallocation to a smaller class. */
    public static final String REALLOC_DOWN = "realloc down a class";
    /** A reallocation within the block's class. */
    public static final String REALLOC_SAME = "realloc within its class";
    /** A reallocation beyond the table to a larger size whose fresh blocks get the block's usable size: kept in place. */
    public static final String REALLOC_IN_SLOT = "realloc grown in place beyond the table";
    /** An allocation refused for exhaustion in the small configuration, and judged by C12. */
    public static final String EXHAUSTED = "exhausted";
    /** A range the allocator reported left its {@code reservedRanges()}, and the kernel was asked about it (C11). */
    public static final String RANGE_LEFT = "a reserved range given back";
    /**
     * The soak (T1) saw at least {@code vakit.soak.overlaps} calls begin while another thread's call was in flight
     * (THREAD_SAFE): a soak that never saw its threads inside the allocator together has checked nothing concurrent.
     */
    public static final String OVERLAPPED = "soak calls overlapped";
    /** A block was freed from the contract's other thread (THREAD_SAFE). */
    public static final String FREED_ELSEWHERE = "freed from another thread";
    /**
     * A block freed again was refused while its container had held a live block ever since its first free (required
     * with EXACT_REASONS once a container of equal slots stated its capacity: the refusal must then say DOUBLE).
     */
    public static final String DOUBLE_IN_HELD = "double free in a container still held";
    /**
     * The same ({@link #DOUBLE_IN_HELD}), for a block the contract's other thread had freed in the action just before,
     * so that the chain's thread has made no call in between (THREAD_SAFE): where a design that defers a remote free
     * still has the block queued for its owner, and must tell the second free apart as DOUBLE all the same.
     */
    public static final String DOUBLE_OF_REMOTE = "double free of a block just freed elsewhere";
    /** A container stated its capacity, and its slots, packed from its start, leave an unused tail. */
    public static final String TAIL_SEEN = "container with an unused tail";
    /**
     * A free at the first address past a reserved range, or the last one before it, where no live block was, was
     * refused (and the owner query there was empty).
     */
    public static final String EDGE_REFUSED = "free at a reserved range's edge refused";
    /** A free at the first address of a container's unused tail was refused (and the owner query there was empty). */
    public static final String TAIL_REFUSED = "free in a container's unused tail refused";
    /**
     * L2's sweep ran: every size of it (1 to 64, the class edges, each power of two and its neighbours) had its stated
     * natural alignment compared with the followed design's law, once the law's anchors were fixed. Required wherever
     * L2 applies.
     */
    public static final String ALIGNMENT_SWEPT = "stated alignment swept against the design's layout";
    /**
     * A container of equal slots that had emptied served blocks of another slot size, at the same start (reported: a
     * design that keeps each container for one size never shows it).
     */
    public static final String RESLOTTED = "container emptied and reused for another slot size";
    /**
     * In a {@code reslot} action, a block of the second size was placed in a container of equal slots that had held
     * the first size's blocks, freed in that action (reported: it gates {@link #DOUBLE_RESLOTTED}; a design whose
     * containers outlast 2 MiB of blocks of one class, or keep to one class, never shows it).
     */
    public static final String RESLOT_SEEN = "reslot's container served another slot size";
    /** A {@code reslot} action ran (reported: how many a run spent; {@link BurstSteps.Reslot#weight}). */
    public static final String RESLOT_TRIED = "reslot run";
    /**
     * A block freed again was refused while its address lay in a container that now held live blocks of another slot
     * size, outside every one of them (required with INVALID_FREE_DETECTION once {@link #RESLOT_SEEN} was seen).
     */
    public static final String DOUBLE_RESLOTTED = "double free in a container reused for another slot size";
    /** A block was served on a thread that then ended (THREAD_SAFE): its owner is gone. */
    public static final String ALLOCATED_ENDED = "allocated on a thread that ended";
    /** A block served on a thread that had ended was freed (or moved by realloc), from a live thread. */
    public static final String FREED_OF_ENDED = "freed a block of a thread that ended";
    /**
     * In the small configuration, after a request was refused for exhaustion and a block was freed, a request at
     * least as large served.
     */
    public static final String RECOVERED = "recovered after exhaustion";
    /**
     * In the small configuration, after exhaustion, the fill's blocks freed by the contract's other thread, and then a
     * request as large served on the chain's thread (THREAD_SAFE).
     */
    public static final String RECOVERED_ELSEWHERE = "recovered after frees from another thread";
    /**
     * The same ({@link #RECOVERED_ELSEWHERE}) with blocks beyond the last class (reported, not required: a design's
     * small configuration may serve them from memory it never runs out of). Fills aim at it until it is reached.
     */
    public static final String RECOVERED_ELSEWHERE_BEYOND = "recovered after frees from another thread, beyond the table";
    /**
     * In the small configuration, one visit of the contract's other thread freed blocks of two containers or more
     * (reported: a design with one container never shows it; it gates {@link #FREED_ELSEWHERE_IN_BATCH}).
     */
    public static final String FREED_ELSEWHERE_SPREAD = "blocks of two containers freed elsewhere in one visit";
    /**
     * In the small configuration, one visit of the contract's other thread freed blocks of two containers or more,
     * two or more of them from one container (THREAD_SAFE, once {@link #FREED_ELSEWHERE_SPREAD} was reached): where
     * a design that defers remote frees announces a container once, and an announcement made twice, or lost, loses
     * the containers announced before it.
     */
    public static final String FREED_ELSEWHERE_IN_BATCH = "two blocks of one container freed elsewhere among others";
    /** A fill from an idle start, filled again once all of it was freed, exhausted no sooner than the idle bound allows. */
    public static final String REFILLED = "filled again as far after everything was freed";
    /** The same ({@link #REFILLED}) once more, on a new thread that then ended (THREAD_SAFE), after the refill was freed. */
    public static final String REFILLED_ELSEWHERE = "filled again as far on a new thread";
    /** How many classes of the table a chain's fills take to exhaustion before {@link #SWEPT} is reached. */
    public static final int SWEEP = 8;
    /**
     * The refill on a new thread ({@link #REFILLED_ELSEWHERE}), as far as it must get, in a chain whose fills took
     * {@link #SWEEP} classes of the table to exhaustion, this one the last: memory a thread keeps per class once it is
     * idle (an empty page kept for each) must still leave another thread room (required by {@link #sweeps}).
     */
    public static final String SWEPT = "filled again on a new thread after fills of 8 classes";
    /**
     * Fills of one chain took {@link #SWEEP} classes of the table to exhaustion (reported: a design whose classes hold
     * more blocks than a fill allocates never shows it; it gates {@link #SWEPT}).
     */
    public static final String SWEEP_FILLED = "fills of 8 classes exhausted in one chain";
    /** Slack ({@code [size, usableSize)}) written and checked. */
    public static final String SLACK = "slack written";

    /**
     * An injected fault (C13) was met, refused as the rule says, and the same call then served: required with
     * FAULT_INJECTION. Which kind of fault was met is reported as {@link #faultRefused}.
     */
    public static final String FAULT_RECOVERED = "injected fault refused, then served";
    /**
     * A {@code faultEach}: one allocation refused at each of its fault points in turn (at least one), then served
     * with no fault met (required with FAULT_INJECTION).
     */
    public static final String FAULTED_IN_TURN = "every fault point of one allocation refused in turn";

    /** An injected fault of {@code kind} was met and refused (reported, not required: a design may never map). */
    static String faultRefused(String kind) {
        return "injected " + kind + " fault refused";
    }

    /** No block live after the committed bytes had risen above the design's idle bound (IDLE_BOUND). */
    public static final String IDLE_AFTER_PEAK = "idle after a peak above the idle bound";

    /** A container of {@code unit} was seen. */
    static String container(String unit) {
        return "container " + unit;
    }

    /** A container of {@code unit} stated its capacity in its placement (not required: it gates the others). */
    static String stated(String unit) {
        return "container " + unit + " states its capacity";
    }

    /**
     * A container of {@code unit} stated a capacity a burst can fill ({@link BurstSteps#fillable}): its full states
     * are then required (not required itself).
     */
    static String fillable(String unit) {
        return "container " + unit + " fillable by a burst";
    }

    /** A container of {@code unit} held as many live blocks as its placement states it can. */
    static String full(String unit) {
        return "full " + unit;
    }

    /** A container of {@code slot}-byte slots was full (not required: it steers bursts to the other classes). */
    static String fullSlot(long slot) {
        return "full container of " + slot + "-byte slots";
    }

    /** A block was freed from a full {@code unit}. */
    static String freeFromFull(String unit) {
        return "free from a full " + unit;
    }

    /** A {@code unit} was refilled after a free from it while full. */
    static String refilled(String unit) {
        return "refilled " + unit;
    }

    /** A {@code unit} that had emptied served again. */
    static String reused(String unit) {
        return "emptied and reused " + unit;
    }

    /** A burst freed its blocks in {@code order} (ascending, descending, alternate, random). */
    static String burst(String order) {
        return "burst freed " + order;
    }

    /** The class edges of a design: c-1, c and c+1 of every class, or 2^k-1, 2^k, 2^k+1 without a table. */
    public static long[] edges(DesignDescriptor design) {
        TreeSet<Long> out = new TreeSet<>();
        SizeClassTable t = design.sizeClasses();
        if (t != null) {
            for (int c = 0; c < t.count(); c++) {
                long s = t.size(c);
                out.add(s - 1);
                out.add(s);
                out.add(s + 1);
            }
        } else {
            for (int k = 1; k <= EDGE_SHIFT; k++) {
                out.add((1L << k) - 1);
                out.add(1L << k);
                out.add((1L << k) + 1);
            }
        }
        out.removeIf(s -> s < 1 || s > design.maxBlockSize());
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** The size above which an allocation is "beyond the last class". */
    static long beyond(DesignDescriptor design) {
        SizeClassTable t = design.sizeClasses();
        return t != null ? t.size(t.count() - 1) : (1L << EDGE_SHIFT) - 1;
    }

    /**
     * The states a run of the normal configuration of {@code design} must reach, given what it covered (a container's
     * states are required once a container of its unit stated a capacity: see {@link #containerStates}). Exhaustion
     * belongs to the small configuration ({@link #requiredSmall}).
     */
    public static List<String> required(DesignDescriptor design, Map<String, Long> coverage) {
        List<String> out = new ArrayList<>();
        for (long e : edges(design)) {
            out.add(edge(e));
        }
        if (beyond(design) < design.maxBlockSize()) {
            out.add(BEYOND_TABLE);
        }
        if (design.maxAlignment() >= 256) {
            out.add(ALIGNED_256);
        }
        for (long[] p : pairs(design)) {
            out.add(pair(p[0], p[1]));
        }
        boolean aboveNatural = design.alignment().alignmentFor(1) < design.maxAlignment();
        if (aboveNatural) {
            out.add(design.has(Feature.ALIGNED_ALLOCATION) ? ABOVE_NATURAL : ABOVE_NATURAL_REFUSED);
        }
        if (design.has(Feature.REALLOC)) {
            out.add(REALLOC_UP);
            out.add(REALLOC_DOWN);
            out.add(REALLOC_SAME);
            long reallocMax = Math.min(design.maxBlockSize(), Sizes.COPY_MAX);
            if (design.has(Feature.REALLOC_IN_SLOT) && beyond(design) < reallocMax) {
                out.add(REALLOC_IN_SLOT);
            }
        }
        if (Rule.L2_DESIGN_LAYOUT.skipReason(design).isEmpty()) {
            out.add(ALIGNMENT_SWEPT);
        }
        for (String order : BurstSteps.ORDERS) {
            out.add(burst(order));
        }
        out.addAll(containerStates(design, coverage));
        if (design.has(Feature.THREAD_SAFE)) {
            out.add(FREED_ELSEWHERE);
            out.add(ALLOCATED_ENDED);
            out.add(FREED_OF_ENDED);
        }
        if (design.has(Feature.USABLE_SIZE)) {
            out.add(SLACK);
        }
        if (design.has(Feature.FOOTPRINT) && design.has(Feature.IDLE_BOUND)) {
            out.add(IDLE_AFTER_PEAK);
        }
        if (design.has(Feature.FAMILIES)) {
            out.add(FamilySteps.OTHER_FAMILY);
        }
        if (design.has(Feature.FAULT_INJECTION)) {
            out.add(FAULT_RECOVERED);
            out.add(FAULTED_IN_TURN);
        }
        if (design.has(Feature.INVALID_FREE_DETECTION) && design.has(Feature.FOOTPRINT)) {
            out.add(EDGE_REFUSED);
        }
        if (design.has(Feature.INVALID_FREE_DETECTION) && coverage.containsKey(PREFIX + TAIL_SEEN)) {
            out.add(TAIL_REFUSED); // its placements showed a container with an unused tail
        }
        if (design.has(Feature.INVALID_FREE_DETECTION) && coverage.containsKey(PREFIX + RESLOT_SEEN)) {
            out.add(DOUBLE_RESLOTTED); // a reslot's placements showed its first size's container reused for the second
        }
        if (design.has(Feature.EXACT_REASONS) && design.has(Feature.INVALID_FREE_DETECTION) && coverage.keySet()
                .stream().anyMatch(k -> k.startsWith(PREFIX + "container ") && k.endsWith(" states its capacity"))) {
            out.add(DOUBLE_IN_HELD); // its placements showed containers of equal slots
            if (design.has(Feature.THREAD_SAFE)) {
                out.add(DOUBLE_OF_REMOTE);
            }
        }
        return out;
    }

    /**
     * The states the soak (T1) must reach for {@code design}: its threads' calls seen to overlap, when the design
     * declares {@link Feature#THREAD_SAFE} (the soak's own count, {@link SoakMachine.Overlaps}).
     */
    public static List<String> requiredSoak(DesignDescriptor design) {
        return design.has(Feature.THREAD_SAFE) ? List.of(OVERLAPPED) : List.of();
    }

    /**
     * The states a run of the small configuration must reach: exhausted, and recovered after it. Its other states
     * are reported, not required: the normal configuration has requirements of its own, and the two are never
     * merged. Some are required once the small configuration's {@code coverage} showed the state that gates them.
     */
    public static List<String> requiredSmall(DesignDescriptor design, Map<String, Long> coverage) {
        if (!design.has(Feature.SMALL_CONFIGURATION)) {
            return List.of();
        }
        List<String> out = new ArrayList<>(List.of(EXHAUSTED, RECOVERED));
        if (design.has(Feature.THREAD_SAFE)) {
            out.add(RECOVERED_ELSEWHERE);
            if (coverage.containsKey(PREFIX + FREED_ELSEWHERE_SPREAD)) {
                out.add(FREED_ELSEWHERE_IN_BATCH); // its placements showed two containers in one visit
            }
        }
        if (design.has(Feature.FOOTPRINT) && design.has(Feature.IDLE_BOUND)) {
            out.add(REFILLED);
            if (design.has(Feature.THREAD_SAFE)) {
                out.add(REFILLED_ELSEWHERE);
            }
        }
        if (sweeps(design) && coverage.containsKey(PREFIX + SWEEP_FILLED)) {
            out.add(SWEPT); // its fills showed 8 classes exhausted in one chain
        }
        return out;
    }

    /**
     * True when a run of the small configuration must reach {@link #SWEPT}: the design has a table, bounds what it
     * keeps idle (FOOTPRINT, IDLE_BOUND), is THREAD_SAFE, and its memory belongs to a thread
     * (OWNER_REUSES_REMOTE_FREES), so that a new thread is owed only one block ({@code BurstSteps.Fill}). A design
     * whose idle memory any thread may use is held to its idle bound on a new thread already, after any fills.
     */
    static boolean sweeps(DesignDescriptor design) {
        return design.has(Feature.SMALL_CONFIGURATION) && design.sizeClasses() != null
                && design.has(Feature.FOOTPRINT) && design.has(Feature.IDLE_BOUND)
                && design.has(Feature.THREAD_SAFE) && design.has(Feature.OWNER_REUSES_REMOTE_FREES);
    }

    /**
     * The container states a run must reach: for every unit whose placements stated a capacity a burst can fill,
     * {@code full U} and {@code free from a full U}; for every unit that stated a capacity, in a design that states
     * what it keeps for reuse ({@code IDLE_BOUND}), {@code emptied and reused U}. A unit that states no capacity is
     * never counted full, so nothing is required of it.
     */
    static List<String> containerStates(DesignDescriptor design, Map<String, Long> coverage) {
        List<String> out = new ArrayList<>();
        if (!design.has(Feature.PLACEMENT)) {
            return out;
        }
        for (String key : new TreeSet<>(coverage.keySet())) {
            String prefix = PREFIX + "container ";
            if (!key.startsWith(prefix)) {
                continue;
            }
            String rest = key.substring(prefix.length());
            if (rest.endsWith(" fillable by a burst")) {
                String unit = rest.substring(0, rest.length() - " fillable by a burst".length());
                out.add(full(unit));
                out.add(freeFromFull(unit));
            } else if (rest.endsWith(" states its capacity") && design.has(Feature.IDLE_BOUND)) {
                out.add(reused(rest.substring(0, rest.length() - " states its capacity".length())));
            }
        }
        return out;
    }

    /** The required states a run's coverage lacks. */
    public static List<String> missing(DesignDescriptor design, Map<String, Long> coverage) {
        return missing(required(design, coverage), coverage);
    }

    /** Those of {@code required} that {@code coverage} lacks. */
    public static List<String> missing(List<String> required, Map<String, Long> coverage) {
        return required.stream().filter(s -> !coverage.containsKey(PREFIX + s)).toList();
    }
}
