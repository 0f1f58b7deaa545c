package io.vakit.spec.contract;

import io.vakit.spec.engine.Violation;
import io.vakit.spec.layout.Anchors;
import io.vakit.spec.layout.LayoutLaw;
import io.vakit.spec.layout.LayoutLaws;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorFault;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.BlockMemory;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import io.vakit.spi.Placement;
import io.vakit.spi.SizeClassTable;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The truth about one allocator: which blocks are live (by label and by address), which were freed, what was
 * written into each, the containers its placements showed, whether it is closed, how often each {@link Rule} was
 * checked and which {@link States} were reached. Its checks compare an {@link Allocator} against it and raise a
 * {@link Violation} naming the rule.
 */
public final class AllocatorModel {
    /**
     * The most live bytes under which a design never refuses a modest request for exhaustion, in its normal
     * configuration: its largest block, up to 1 GiB ({@link #modestLive}).
     */
    public static final long MODEST_LIVE = 1L << 30;
    /** A modest request is at most this share of {@link #modestLive}: 1/16 (64 MiB for a design of 1 GiB or more). */
    public static final int MODEST_SHARE = 16;
    /** Contents of every live block are checked at least every this many actions (and at the end of a chain). */
    static final int FULL_CHECK_EVERY = 16;
    /** A block within this distance of an address an action touched is checked after that action. */
    static final long NEIGHBOURHOOD = 64 * 1024;

    /**
     * A block as the model knows it.
     *
     * @param label the label of the action that allocated it
     * @param address its start
     * @param size its requested size
     * @param usable its usable size (its size when the design does not report one)
     * @param written the length whose pattern windows were written ({@link Patterns}), 0 when nothing was
     * @param limit the written windows are checked below this offset (a shrinking realloc lowers it)
     * @param container the start of the container its placement named, or -1
     * @param family the family it was allocated in (0 without {@code FAMILIES})
     */
    public record Block(int label, long address, long size, long usable, long written, long limit, long container,
            int family) {
        boolean contains(long a) {
            return a >= address && a - address < size;
        }

        /** The bytes the caller may use: the usable size, or the size where that is larger (a broken report). */
        long extent() {
            return Math.max(size, usable);
        }

        MemorySegment segment() {
            return MemorySegment.ofAddress(address).reinterpret(extent());
        }
    }

    private final DesignDescriptor design;
    private final boolean small;
    private final long[] edges;
    private final long[][] pairs;
    private final Map<String, Long> coveredSoFar;
    private final TreeMap<Long, Block> byAddress = new TreeMap<>();
    private final Map<Integer, Block> byLabel = new HashMap<>();
    /** Per request size: the usable size fresh blocks of it (natural alignment) got, or -1 once two differed. */
    private final java.util.TreeMap<Long, Long> freshUsable = new java.util.TreeMap<>();
    private final Map<Integer, Block> freed = new HashMap<>();
    /** For a remembered freed block: the epoch of its container, held by a live block when the block was freed. */
    private final Map<Integer, Long> freedHeld = new HashMap<>();
    /**
     * The labels of {@link #freedHeld} by their blocks' addresses. Their blocks never overlap: a block placed over one
     * ends its claim ({@link #slotReused}).
     */
    private final TreeMap<Long, Integer> heldByAddress = new TreeMap<>();
    /** The number of frees made so far, and that number when each freed block was freed. */
    private long frees;
    private final Map<Integer, Long> freedAt = new HashMap<>();
    /**
     * How many frees after a block's a design must still remember it was freed, where it gave its memory back (a
     * mapping unmapped): up to that, a second free is DOUBLE or UNKNOWN; past it, FOREIGN too (see
     * spec/contract.md#decisions).
     */
    static final long FREED_HORIZON = 4096;
    /** The live blocks served on a thread that has since ended. */
    private final java.util.Set<Integer> ofEnded = new java.util.HashSet<>();
    private final Map<String, Long> coverage = new TreeMap<>();
    private final Anchors anchors = new Anchors();
    private boolean alignmentSwept;
    private final Containers containers = new Containers(this::reach);
    private final List<long[]> touched = new ArrayList<>();
    private BlockMemory memory = BlockMemory.LOCAL;
    private boolean closed;
    private long liveBytes;
    /** The most committed bytes seen since the allocator was last idle (no live block). */
    private long peakSinceIdle;
    private int actions;
    /** The allocator's ranges after the last action ({@link #checkRangesLeft}). */
    private List<io.vakit.spi.AddressRange> ranges = List.of();
    /** The block the other thread freed in the last action ({@link #freedElsewhere}), or -1; and that action's count. */
    private int remoteFreed = -1;
    private int remoteFreedAt;
    /** In the small configuration: the size last refused for exhaustion, until a request at least as large is served. */
    private long refusedSize;
    private boolean freedSinceExhaustion;
    /** The table's classes (their sizes) that fills in this chain took to exhaustion ({@link States#SWEPT}). */
    private final TreeSet<Long> classesFilled = new TreeSet<>();
    private final StatsScope scope;

    /**
     * Which counters of an allocator's stats are the implementation's own, and so judged (C8, and "changes nothing"
     * after a refusal): all of them for a Java implementation; for a native library behind vakit's binding, none (the
     * binding's guard counts), or the live count alone where its user mapped the library's own.
     */
    public enum StatsScope {
        /** The implementation keeps every counter. */
        ALL,
        /** The live count is the implementation's; the live bytes are the binding's. */
        COUNT,
        /** Both counters are the binding's: nothing of the stats is judged. */
        NONE;

        /** The scope a provider's binding leaves to the implementation. */
        public static StatsScope of(io.vakit.spi.AllocatorProvider provider) {
            boolean count = !provider.bindingCountsLiveBlocks();
            boolean bytes = !provider.bindingCountsLiveBytes();
            return count && bytes ? ALL : count ? COUNT : NONE;
        }

        boolean count() {
            return this != NONE;
        }

        boolean bytes() {
            return this == ALL;
        }
    }

    /** An empty model of a fresh allocator of {@code design}, opened in its normal configuration. */
    public AllocatorModel(DesignDescriptor design) {
        this(design, false);
    }

    /** An empty model of a fresh allocator of {@code design}, in its small configuration when {@code small}. */
    public AllocatorModel(DesignDescriptor design, boolean small) {
        this(design, small, Map.of());
    }

    /**
     * An empty model of a fresh allocator of {@code design}; {@code coveredSoFar} is what the run reached before this
     * chain, so that generation can aim at the rest.
     */
    public AllocatorModel(DesignDescriptor design, boolean small, Map<String, Long> coveredSoFar) {
        this(design, small, coveredSoFar, StatsScope.ALL);
    }

    /**
     * An empty model, as above, that judges only the counters of the stats that {@code scope} says are the
     * implementation's own.
     */
    public AllocatorModel(DesignDescriptor design, boolean small, Map<String, Long> coveredSoFar, StatsScope scope) {
        this.scope = scope;
        this.design = design;
        this.small = small;
        this.edges = States.edges(design);
        this.pairs = States.pairs(design);
        this.coveredSoFar = coveredSoFar;
    }

    /** True when the run (earlier chains, or this one) reached {@code state}. */
    boolean reached(String state) {
        String key = States.PREFIX + state;
        return coverage.containsKey(key) || coveredSoFar.containsKey(key);
    }

    /** How many times the run (earlier chains, and this one) reached {@code state}. */
    long times(String state) {
        String key = States.PREFIX + state;
        return coverage.getOrDefault(key, 0L) + coveredSoFar.getOrDefault(key, 0L);
    }

    /** The design's aligned pairs (k*A, A) ({@link States#pairs}). */
    long[][] pairs() {
        return pairs;
    }

    /**
     * The class live block {@code b} was served from, as {@link Sizes#classOf} numbers classes (the table's count
     * beyond it): the class whose size is its usable size, since an aligned request may rightly be served from a
     * larger class than its size's (C4); without a usable size, the class of its size.
     */
    int servedClass(Block b) {
        SizeClassTable t = design.sizeClasses();
        if (t != null && design.has(Feature.USABLE_SIZE)) {
            int c = t.classOf(b.usable());
            if (c >= 0 && t.size(c) == b.usable()) {
                return c;
            }
            if (b.usable() > t.size(t.count() - 1)) {
                return t.count();
            }
        }
        return Sizes.classOf(design, b.size());
    }

    /** The design modelled. */
    public DesignDescriptor design() {
        return design;
    }

    /** True for an allocator opened in its small configuration, where exhaustion is the point. */
    public boolean small() {
        return small;
    }

    /** A fill of {@code size} bytes was exhausted: counts its class of the table, if it has one. */
    void filledClass(long size) {
        SizeClassTable t = design.sizeClasses();
        int c = t == null ? -1 : t.classOf(size);
        if (c >= 0) {
            classesFilled.add(t.size(c));
        }
    }

    /** How many classes of the table fills in this chain took to exhaustion. */
    int classesFilled() {
        return classesFilled.size();
    }

    /**
     * True while the run needs {@link States#SWEPT} and has not reached it: in the small configuration of a design
     * with a table whose idle memory is bounded and shared between threads.
     */
    boolean wantsSweep() {
        return small && States.sweeps(design) && !reached(States.SWEPT);
    }

    /**
     * The class size a fill of the sweep takes next: the largest class of the table up to 64 KiB that no fill in this
     * chain has exhausted yet, or -1 when none is left.
     */
    long sweepSize() {
        SizeClassTable t = design.sizeClasses();
        for (int c = t.count() - 1; c >= 0; c--) {
            long s = t.size(c);
            if (s <= 64 * 1024 && s <= design.maxBlockSize() && !classesFilled.contains(s)) {
                return s;
            }
        }
        return -1;
    }

    /** The design's class edges ({@link States#edges}). */
    long[] edges() {
        return edges;
    }

    /** What the allocator's placements so far fixed, for the layout law. */
    public Anchors anchors() {
        return anchors;
    }

    /** True once the allocator was closed. */
    public boolean closed() {
        return closed;
    }

    /** Records the close: every block is gone. */
    public void close() {
        closed = true;
        byAddress.clear();
        byLabel.clear();
        liveBytes = 0;
    }

    /** The live block labelled {@code label}. */
    public Optional<Block> live(int label) {
        return Optional.ofNullable(byLabel.get(label));
    }

    /** The freed block labelled {@code label}, as it was when freed. */
    public Optional<Block> freed(int label) {
        return Optional.ofNullable(freed.get(label));
    }

    /** The live block containing {@code address}. */
    public Optional<Block> containing(long address) {
        Map.Entry<Long, Block> e = byAddress.floorEntry(address);
        return e != null && e.getValue().contains(address) ? Optional.of(e.getValue()) : Optional.empty();
    }

    /** The live block whose usable extent (its slack included) holds {@code address}. */
    public Optional<Block> covering(long address) {
        Map.Entry<Long, Block> e = byAddress.floorEntry(address);
        return e != null && address - e.getValue().address() < e.getValue().extent() ? Optional.of(e.getValue())
                : Optional.empty();
    }

    /** The number of live blocks. */
    public int liveCount() {
        return byLabel.size();
    }

    /** The sum of the live blocks' requested sizes. */
    public long liveBytes() {
        return liveBytes;
    }

    /** Every live block. */
    public Iterable<Block> liveBlocks() {
        return byLabel.values();
    }

    /** The live blocks' labels, in ascending order. */
    public int[] liveLabels() {
        return byLabel.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The freed blocks' labels whose address is not inside a live block now, ascending. */
    public int[] staleLabels() {
        return freed.values().stream().filter(b -> containing(b.address()).isEmpty()).mapToInt(Block::label)
                .sorted().toArray();
    }

    /** Counts one check of {@code rule}. */
    public void hit(Rule rule) {
        coverage.merge(rule.label(), 1L, Long::sum);
    }

    /** Records that the run reached a {@link States state}. */
    public void reach(String state) {
        coverage.merge(States.PREFIX + state, 1L, Long::sum);
    }

    /** Counts one call into the allocator that the model checked. */
    void operation() {
        coverage.merge("count:operations", 1L, Long::sum);
    }

    /** How often each rule was checked, each state reached, and the operations and largest size. */
    public Map<String, Long> coverage() {
        return Map.copyOf(coverage);
    }

    /** A violation of {@code rule}. */
    public Violation violation(Rule rule, String message) {
        return new Violation(rule.label(), message);
    }

    /** Notes that an action touched {@code [address, address + size)}: its neighbourhood is checked after it. */
    void touch(long address, long size) {
        touched.add(new long[] {address, size});
    }

    // ------------------------------------------------------------------ new blocks

    /**
     * Checks a block just returned for a request of {@code size} bytes at {@code alignment} (1 if none was asked):
     * its size, containment, overlap, alignment and size class; returns its usable size (its size when the design
     * reports none). Records nothing.
     */
    public long checkNewBlock(Allocator system, String op, MemorySegment block, long size, long alignment) {
        operation();
        long a = block.address();
        if (block.byteSize() != size) {
            throw violation(Rule.C2_NO_OVERLAP, op + " returned a segment of " + block.byteSize() + " bytes, not "
                    + size);
        }
        if (design.has(Feature.CONTAINMENT)) {
            hit(Rule.C1_CONTAINMENT);
            if (!system.owns(a, size)) {
                throw violation(Rule.C1_CONTAINMENT, op + " returned " + hex(a) + "+" + size
                        + ", outside the allocator's reserved address space");
            }
        }
        hit(Rule.C2_NO_OVERLAP);
        if (a == 0) {
            throw violation(Rule.C2_NO_OVERLAP, op + " returned NULL");
        }
        Map.Entry<Long, Block> below = byAddress.floorEntry(a + size - 1);
        if (below != null && below.getKey() + below.getValue().extent() > a) {
            Block b = below.getValue();
            boolean slack = below.getKey() + b.size() <= a;
            throw violation(Rule.C2_NO_OVERLAP, op + " returned " + hex(a) + "+" + size + ", which overlaps "
                    + (slack ? "the usable slack of " : "") + "live block #" + b.label() + " at " + hex(b.address())
                    + "+" + b.size() + (slack ? " (usable " + b.usable() + ")" : ""));
        }
        hit(Rule.C3_ALIGNMENT);
        long natural = design.alignment().alignmentFor(size);
        if (Long.bitCount(natural) != 1) {
            throw violation(Rule.C3_ALIGNMENT, op + ": the design's natural alignment for " + size + " bytes is "
                    + natural + ", not a power of two (AlignmentGuarantee)");
        }
        long need = Math.max(alignment, natural);
        if ((a & (need - 1)) != 0) {
            throw violation(Rule.C3_ALIGNMENT, op + " returned " + hex(a) + ", not aligned to " + need
                    + " (asked " + alignment + ", guaranteed " + natural + ")");
        }
        long usable = usableOf(system, a, size);
        if (design.has(Feature.USABLE_SIZE)) {
            hit(Rule.C9_USABLE_SIZE);
            if (usable < size) {
                throw violation(Rule.C9_USABLE_SIZE, op + ": block " + hex(a) + " has usable size " + usable
                        + ", below its size " + size);
            }
        }
        Map.Entry<Long, Block> inSlack = usable > size ? byAddress.ceilingEntry(a) : null;
        if (inSlack != null && inSlack.getKey() - a < usable) {
            Block b = inSlack.getValue();
            throw violation(Rule.C2_NO_OVERLAP, op + " returned " + hex(a) + "+" + size + " with usable size " + usable
                    + ", whose slack (the caller's to write) overlaps live block #" + b.label() + " at "
                    + hex(b.address()) + "+" + b.size());
        }
        checkClass(op, a, size, alignment, usable);
        return usable == -1 ? size : usable;
    }

    private long usableOf(Allocator system, long a, long size) {
        if (design.has(Feature.USABLE_SIZE)) {
            return system.usableSize(MemorySegment.ofAddress(a).reinterpret(size));
        }
        if (design.has(Feature.OWNER_LOOKUP)) {
            return system.owner(a).map(BlockInfo::usableSize).orElse(-1L);
        }
        return -1;
    }

    /**
     * C4: the usable size is a class size between the size's own class and the class of the size rounded up to a
     * multiple of the alignment (an aligned request may be served from the class its alignment needs: for a power
     * of two table that is the class of {@code max(size, alignment)}; for a table of non-powers of two, whose items
     * sit at multiples of their size, the first multiple of the alignment), or beyond the table when that class lies
     * beyond it.
     */
    private void checkClass(String op, long a, long size, long alignment, long usable) {
        if (Rule.C4_SIZE_CLASS.skipReason(design).isPresent()) {
            return;
        }
        SizeClassTable table = design.sizeClasses();
        int low = table.classOf(size);
        if (low < 0) {
            return;
        }
        long roundedUp = size % alignment == 0 ? size : size + (alignment - size % alignment);
        int high = table.classOf(roundedUp);
        boolean beyond = high < 0; // the class the alignment needs lies beyond the table: the design's own business
        high = beyond ? table.count() - 1 : high;
        hit(Rule.C4_SIZE_CLASS);
        for (int c = low; c <= high; c++) {
            if (usable == table.size(c)) {
                return;
            }
        }
        if (beyond && usable > table.size(table.count() - 1)) {
            return;
        }
        throw violation(Rule.C4_SIZE_CLASS, op + ": block " + hex(a) + " has usable size " + usable
                + ", but the table's class for " + size + " bytes" + (high > low ? " at alignment " + alignment
                        + " is one of classes " + low + ".." + high + " (" + table.size(low) + ".." + table.size(high)
                        + " bytes)" : " is class " + low + " of " + table.size(low) + " bytes"));
    }

    /**
     * Checks a block just returned, then records it live (with nothing written), notes the states it reaches (an
     * edge, the largest size, an aligned pair, a container) and, after an exhaustion and a free, the recovery. An
     * {@code alignment} of 0 is a block kept in place by a reallocation, whose first request's alignment the layout
     * law is not told; every other check takes it as 1.
     */
    public Block admit(Allocator system, String op, int label, MemorySegment segment, long size, long asked) {
        long alignment = Math.max(1, asked);
        long usable = checkNewBlock(system, op, segment, size, alignment);
        long container = -1;
        if (design.has(Feature.PLACEMENT)) {
            Optional<Placement> p = system.placement(segment.address());
            if (p.isEmpty()) {
                hit(Rule.L1_PLACEMENT);
                throw violation(Rule.L1_PLACEMENT, op + ": placement(" + hex(segment.address()) + ") is empty for the"
                        + " block just returned");
            }
            checkPlacement(op + ": placement(" + hex(segment.address()) + ") = " + p.get(), label,
                    segment.address(), size, asked, p.get());
            Optional<Placement.Level> c = p.get().container();
            if (c.isPresent()) {
                Containers.Overfull over = containers.placed(c.get(), p.get().slot());
                container = c.get().start();
                if (over != null) {
                    hit(Rule.L1_PLACEMENT);
                    throw violation(Rule.L1_PLACEMENT, op + ": placement(" + hex(segment.address()) + ") = " + p.get()
                            + " puts live block #" + label + " in " + over.unit() + " " + hex(over.start())
                            + ", which now holds " + over.live() + " live blocks, more than the " + over.capacity()
                            + " it states it holds");
                }
            }
        }
        Block b = new Block(label, segment.address(), size, usable, 0, 0, container, 0);
        put(b);
        reached(size, alignment);
        return b;
    }

    /**
     * Checks the placement {@code p} a block of {@code size} bytes at {@code address} reports: its innermost level is
     * the block's slot, its levels nest (L1) and, with a followed design, it obeys that design's law (L2). Every
     * block is checked as it is returned, and again by the placement step at any of its addresses.
     */
    void checkPlacement(String where, int label, long address, long size, long alignment, Placement p) {
        hit(Rule.L1_PLACEMENT);
        Placement.Level slot = p.slot();
        if (slot.start() != address || slot.bytes() < size) {
            throw violation(Rule.L1_PLACEMENT, where + ": the innermost level is not block #" + label + " at "
                    + hex(address) + " of at least " + size + " bytes");
        }
        for (int i = 1; i < p.levels().size(); i++) {
            Placement.Level outer = p.levels().get(i - 1);
            Placement.Level inner = p.levels().get(i);
            if (inner.start() < outer.start() || inner.start() - outer.start() > outer.bytes() - inner.bytes()) {
                throw violation(Rule.L1_PLACEMENT, where + ": " + inner + " does not lie inside " + outer);
            }
        }
        Placement.Level container = p.container().orElse(null);
        if (container != null && container.capacity() > container.bytes() / slot.bytes()) {
            throw violation(Rule.L1_PLACEMENT, where + ": " + container + " states it holds " + container.capacity()
                    + " blocks of " + slot.bytes() + " bytes, more than its " + container.bytes() + " bytes can");
        }
        if (Rule.L2_DESIGN_LAYOUT.skipReason(design).isEmpty()) {
            hit(Rule.L2_DESIGN_LAYOUT);
            LayoutLaw law = LayoutLaws.of(design.follows()).orElseThrow();
            law.check(address, size, alignment, p, anchors()).ifPresent(problem -> {
                throw violation(Rule.L2_DESIGN_LAYOUT, where + ": " + problem + " (block #" + label + ", " + size
                        + " bytes, " + design.follows() + " layout)");
            });
            checkStatedAlignment(law, size, where + " (block #" + label + ")");
            if (!alignmentSwept && law.naturalAlignment(design.maxBlockSize(), anchors()).isPresent()) {
                for (long s : alignmentSweep()) {
                    checkStatedAlignment(law, s, "the sweep of sizes once the " + design.follows() + " layout's"
                            + " anchors were fixed");
                }
                alignmentSwept = true;
                reach(States.ALIGNMENT_SWEPT); // observed: every size of the sweep compared with the law
            }
        }
    }

    /**
     * L2: the natural alignment the design states for {@code size} ({@code DesignDescriptor.alignment()}) is at least
     * the one its followed design's spec gives, where the law can say yet. A weaker statement is a promise callers of
     * that design lose, which no placement shows.
     */
    private void checkStatedAlignment(LayoutLaw law, long size, String where) {
        Optional<Long> spec = law.naturalAlignment(size, anchors());
        long stated = design.alignment().alignmentFor(size);
        if (spec.isPresent() && stated < spec.get()) {
            throw violation(Rule.L2_DESIGN_LAYOUT, where + ": the design states a natural alignment of " + stated
                    + " for " + size + " bytes; the " + design.follows() + " layout puts every such block at a multiple"
                    + " of " + spec.get());
        }
    }

    /** The sizes whose stated alignment L2 compares once: 1 to 64, the class edges, and 2^k - 1, 2^k, 2^k + 1. */
    private long[] alignmentSweep() {
        TreeSet<Long> out = new TreeSet<>();
        for (long s = 1; s <= 64; s++) {
            out.add(s);
        }
        for (long e : edges) {
            out.add(e);
        }
        for (int k = 1; k < 63; k++) {
            out.add((1L << k) - 1);
            out.add(1L << k);
            out.add((1L << k) + 1);
        }
        out.add(design.maxBlockSize());
        out.removeIf(s -> s < 1 || s > design.maxBlockSize());
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private void reached(long size, long alignment) {
        if (java.util.Arrays.binarySearch(edges, size) >= 0) {
            reach(States.edge(size));
        }
        if (size > States.beyond(design)) {
            reach(States.BEYOND_TABLE);
        }
        coverage.merge("max:largest", size, Math::max);
        if (alignment >= 256) {
            reach(States.ALIGNED_256);
        }
        if (alignment > design.alignment().alignmentFor(size)) {
            reach(States.ABOVE_NATURAL);
        }
        if (small && refusedSize > 0 && freedSinceExhaustion && size >= refusedSize) {
            reach(States.RECOVERED); // observed: a request as large as one refused was served after a free
            refusedSize = 0;
        }
    }

    private void put(Block b) {
        byAddress.put(b.address(), b);
        byLabel.put(b.label(), b);
        freed.remove(b.label());
        liveBytes += b.size();
        slotReused(b);
        touch(b.address(), b.extent());
    }

    /**
     * A live block now lies over {@code b}'s bytes: every freed block there loses its claim to a held container. Its
     * slot was given to another block (of this container, or of a container cut from the slot itself, as a pool page
     * cut from a part freed in an arena of parts), and once that block is freed the allocator may rightly have given
     * the slot back, so a second free of the old block is no longer one only DOUBLE answers.
     */
    private void slotReused(Block b) {
        long end = b.address() + b.extent();
        for (var e = heldByAddress.lowerEntry(end); e != null; e = heldByAddress.lowerEntry(e.getKey())) {
            Block old = freed.get(e.getValue());
            heldByAddress.remove(e.getKey());
            if (old == null || old.address() != e.getKey()) {
                continue; // stale: its label was served and freed again elsewhere since
            }
            if (old.address() + old.extent() <= b.address()) {
                heldByAddress.put(e.getKey(), e.getValue());
                break; // the held blocks do not overlap, so every one below ends before b too
            }
            freedHeld.remove(e.getValue());
        }
    }

    /**
     * Records the usable size of a block just allocated for {@code size} bytes at no more than the alignment every
     * block of that size gets (not reallocated): a size whose fresh blocks got two different usable sizes is
     * forgotten for good.
     */
    void fresh(long size, long usable) {
        freshUsable.merge(size, usable, (was, now) -> was.equals(now) ? was : -1L);
    }

    /** The usable size every fresh block of {@code size} bytes got so far, or -1 where none was seen or two differed. */
    long freshUsable(long size) {
        return freshUsable.getOrDefault(size, -1L);
    }

    /** The request sizes up to {@code max} whose fresh blocks all got {@code usable} bytes. */
    long[] sizesWithUsable(long usable, long max) {
        return freshUsable.headMap(max, true).entrySet().stream().filter(e -> e.getValue() == usable)
                .mapToLong(Map.Entry::getKey).toArray();
    }

    /**
     * The first address of the unused tail of the container of live block {@code label} (see
     * {@link Containers#tail}), or -1 when it has none or a live block covers that address.
     */
    long tail(int label) {
        Block b = byLabel.get(label);
        long at = b == null || b.container() < 0 ? -1 : containers.tail(b.container());
        return at >= 0 && covering(at).isEmpty() ? at : -1;
    }

    /**
     * The live blocks whose containers have an unused tail: those in the container's last slot (where an index
     * clamped to the last slot finds a live block), else all of them.
     */
    int[] tailLabels() {
        int[] all = byLabel.keySet().stream().sorted().mapToInt(Integer::intValue).filter(l -> tail(l) >= 0)
                .toArray();
        int[] last = java.util.Arrays.stream(all).filter(this::inLastSlot).toArray();
        return last.length > 0 ? last : all;
    }

    /** True when live block {@code label} fills the last slot of a container with an unused tail. */
    boolean inLastSlot(int label) {
        Block b = byLabel.get(label);
        long at = tail(label);
        return at >= 0 && b.address() + containers.slot(b.container()) == at;
    }

    /** True once a fresh block of {@code size} bytes (natural alignment) was served. */
    boolean askedFresh(long size) {
        return freshUsable.containsKey(size);
    }

    /**
     * The edges of the slots beyond the table that fresh blocks were seen to get, up to {@code max}: each usable size
     * (the top of its slot) and one byte more (the first size of the next).
     */
    long[] slotEdges(long max) {
        long beyond = States.beyond(design);
        return freshUsable.values().stream().mapToLong(Long::longValue).filter(u -> u > beyond)
                .flatMap(u -> java.util.stream.LongStream.of(u, u + 1)).filter(e -> e <= max).distinct().sorted()
                .toArray();
    }

    /** Records that the block labelled {@code label} holds its pattern over its usable bytes. */
    public void written(int label) {
        written(label, byLabel.get(label).extent());
    }

    /** Records that the pattern of the live block {@code label} was written over {@code [0, length)}. */
    void written(int label, long length) {
        Block b = byLabel.get(label);
        if (b.usable() > b.size() && length > b.size()) {
            reach(States.SLACK);
        }
        replace(new Block(label, b.address(), b.size(), b.usable(), length, length, b.container(), b.family()));
    }

    private void replace(Block now) {
        byLabel.put(now.label(), now);
        byAddress.put(now.address(), now);
        slotReused(now);
        touch(now.address(), now.extent());
    }

    /** Records the free of a live block; a block remembered can be used for double-free misuse later. */
    public Block remove(int label, boolean remember) {
        Block b = byLabel.remove(label);
        byAddress.remove(b.address());
        liveBytes -= b.size();
        frees++;
        if (remember) {
            freed.put(label, b);
            freedAt.put(label, frees);
        }
        freedHeld.remove(label);
        if (b.container() >= 0) {
            containers.freed(b.container());
            long epoch = containers.heldEpoch(b.container());
            if (remember && epoch >= 0) {
                freedHeld.put(label, epoch);
                heldByAddress.put(b.address(), label);
            }
        }
        if (ofEnded.remove(label)) {
            reach(States.FREED_OF_ENDED); // observed: the free (or the realloc) of it returned
        }
        if (refusedSize > 0) {
            freedSinceExhaustion = true;
        }
        touch(b.address(), b.extent());
        return b;
    }

    /**
     * True when the freed block {@code label}'s container has held a live block ever since the block was freed: the
     * allocator still holds its memory, and with EXACT_REASONS must refuse a free of it as DOUBLE.
     */
    boolean freedInHeldContainer(int label) {
        Block b = freed.get(label);
        Long epoch = freedHeld.get(label);
        return b != null && epoch != null && containers.heldEpoch(b.container()) == epoch;
    }

    /**
     * The slot size of the container of equal slots at {@code start}, as the model last saw it placed there, or -1
     * when none that states a capacity was seen there.
     */
    long statedSlotAt(long start) {
        return containers.statedSlot(start);
    }

    /**
     * The slot size of the container of equal slots at {@code start} when it holds a live block and its bytes hold
     * {@code address}, else -1 (see {@link Containers#heldSlotAt}).
     */
    long heldSlotAt(long start, long address) {
        return containers.heldSlotAt(start, address);
    }

    /** Forgets the freed block {@code label}: it is no longer offered for a double free. */
    void forget(int label) {
        freed.remove(label);
        freedAt.remove(label);
        freedHeld.remove(label);
    }

    /** Records that the other thread has just freed block {@code label} (this action). */
    void freedElsewhere(int label) {
        remoteFreed = label;
        remoteFreedAt = actions;
    }

    /**
     * True when the other thread freed block {@code label} in the action just before this one, so that the chain's
     * thread has made no call since: a design that defers remote frees may still have it queued.
     */
    boolean justFreedElsewhere(int label) {
        return label == remoteFreed && actions == remoteFreedAt + 1;
    }

    /**
     * The block to free again that {@link States#DOUBLE_OF_REMOTE} needs, or -1: the one the other thread freed in the
     * last action, in a container still held, while the run has not reached that state and the design requires it.
     */
    int remoteDoubleAim() {
        return wantsRemoteDouble() && justFreedElsewhere(remoteFreed) && freedInHeldContainer(remoteFreed)
                && covering(freed.get(remoteFreed).address()).isEmpty() ? remoteFreed : -1;
    }

    /** True while the design needs {@link States#DOUBLE_OF_REMOTE} and the run has not reached it. */
    boolean wantsRemoteDouble() {
        return design.has(Feature.THREAD_SAFE) && design.has(Feature.EXACT_REASONS)
                && design.has(Feature.INVALID_FREE_DETECTION) && !reached(States.DOUBLE_OF_REMOTE);
    }

    /**
     * The live blocks whose container of equal slots holds another live block: freed, each leaves its container held
     * (what {@link States#DOUBLE_OF_REMOTE} needs of the block the other thread frees).
     */
    int[] labelsWithNeighbours() {
        return byLabel.values().stream().filter(b -> b.container() >= 0 && containers.liveIn(b.container()) >= 2)
                .mapToInt(Block::label).sorted().toArray();
    }

    /** The frees made after freed block {@code label}'s own. */
    long freesSince(int label) {
        return frees - freedAt.getOrDefault(label, frees);
    }

    /** Records that the live block {@code label} was served on a thread that has now ended. */
    void ownerEnded(int label) {
        ofEnded.add(label);
        reach(States.ALLOCATED_ENDED);
    }

    /** Records the free of a live block, remembered for double-free misuse. */
    public Block remove(int label) {
        return remove(label, true);
    }

    /** Records a block moved or resized by realloc: its pattern survives below {@code limit}. */
    void moved(Block old, Block now, long limit) {
        replace(new Block(now.label(), now.address(), now.size(), now.usable(), old.written(),
                Math.min(limit, old.written()), now.container(), old.family()));
    }

    /** Records that the live block labelled {@code label} belongs to {@code family}. */
    void family(int label, int family) {
        Block b = byLabel.get(label);
        replace(new Block(label, b.address(), b.size(), b.usable(), b.written(), b.limit(), b.container(), family));
    }

    /** About how many blocks of {@code slot} bytes a container held, or -1 when none was seen. */
    long[] slotsSeen() {
        return containers.slotsSeen();
    }

    long capacityHint(long slot) {
        return containers.capacityHint(slot);
    }

    // ------------------------------------------------------------------ exhaustion

    /**
     * The most live bytes under which the normal configuration of {@code design} never refuses a modest request for
     * exhaustion: its largest block, up to {@link #MODEST_LIVE}. An allocator that serves blocks of its largest size
     * and runs out while less than one of them is live has lost its space (a leak); a design that serves 16 MiB at most
     * is held to its own scale, never to a gigabyte's.
     */
    public static long modestLive(DesignDescriptor design) {
        return Math.min(MODEST_LIVE, design.maxBlockSize());
    }

    /** The largest modest request of {@code design}: {@link #modestLive} / {@value #MODEST_SHARE}. */
    public static long modestRequest(DesignDescriptor design) {
        return Math.max(1, modestLive(design) / MODEST_SHARE);
    }

    /**
     * An allocation of {@code size} bytes was refused with {@code e}, and C12 judges it (one check): its message names
     * the design; in the normal configuration it is no modest request refused while little is live
     * ({@link #modestRequest}, {@link #modestLive}); and it changed nothing (against {@code before}, the stats taken
     * before the call, where there are any; contents are checked after the action as always).
     */
    public void exhausted(Allocator system, String op, long size, AddressSpaceExhaustedException e, Stats before) {
        operation();
        hit(Rule.C12_EXHAUSTION);
        String message = String.valueOf(e.getMessage());
        if (!message.contains(design.id())) {
            throw new Violation(Rule.C12_EXHAUSTION.label(), op + ": the message must name the design '"
                    + design.id() + "': " + message, e);
        }
        if (!small && size <= modestRequest(design) && liveBytes < modestLive(design)) {
            throw new Violation(Rule.C12_EXHAUSTION.label(), op + " was refused for exhaustion with only "
                    + liveBytes + " bytes live in " + byLabel.size() + " blocks (a design whose largest block is "
                    + design.maxBlockSize() + " bytes serves any request up to " + modestRequest(design)
                    + " bytes while less than " + modestLive(design) + " are live): " + message, e);
        }
        if (before != null) {
            Stats after = system.stats();
            if (!refusalLeft(before, after)) {
                throw violation(Rule.C12_EXHAUSTION, op + " was refused for exhaustion but changed the stats from "
                        + before + " to " + after);
            }
        }
        if (small) {
            reach(States.EXHAUSTED);
            refusedSize = refusedSize == 0 ? size : Math.min(refusedSize, size);
            freedSinceExhaustion = false;
        }
    }

    /**
     * True when an allocation of {@code size} bytes may rightly be refused for exhaustion, so stats are taken first
     * (a modest request refused is a failure whatever the stats say).
     */
    boolean mayExhaust(long size) {
        return small || size > modestRequest(design) || liveBytes >= modestLive(design);
    }

    /**
     * True when a call refused for exhaustion left the stats as they must be: all of the counters this model judges
     * equal; but for a design with {@code OWNER_REUSES_REMOTE_FREES}, whose allocation first takes back the frees other
     * threads deferred to it, the committed bytes may have gone down (never up): the live counters and the reserved
     * bytes are still equal (spec/contract.md#c12).
     */
    private boolean refusalLeft(Stats before, Stats after) {
        if (scope != StatsScope.ALL || !design.has(Feature.OWNER_REUSES_REMOTE_FREES)) {
            return sameCounters(before, after);
        }
        return before.liveCount() == after.liveCount() && before.liveBytes() == after.liveBytes()
                && before.reservedBytes() == after.reservedBytes() && after.committedBytes() <= before.committedBytes();
    }

    /** True when the counters this model judges are equal in {@code a} and {@code b} (all of them: footprint too). */
    private boolean sameCounters(Stats a, Stats b) {
        return switch (scope) {
            case ALL -> a.equals(b);
            case COUNT -> a.liveCount() == b.liveCount();
            case NONE -> true;
        };
    }

    // ------------------------------------------------------------------ stats and contents

    /** Checks live bytes and count, and the footprint where declared. */
    public void checkStats(Allocator system) {
        Stats s = system.stats();
        if (scope.count()) {
            hit(Rule.C8_STATS);
            boolean bytesWrong = scope.bytes() && s.liveBytes() != liveBytes;
            if (s.liveCount() != byLabel.size() || bytesWrong) {
                throw violation(Rule.C8_STATS, "stats say " + s.liveCount() + " live blocks"
                        + (scope.bytes() ? " of " + s.liveBytes() + " bytes" : "") + "; the model has " + byLabel.size()
                        + (scope.bytes() ? " of " + liveBytes : ""));
            }
        }
        if (design.has(Feature.FOOTPRINT)) {
            hit(Rule.C11_FOOTPRINT);
            if (s.committedBytes() > s.reservedBytes() || s.committedBytes() < s.liveBytes()) {
                throw violation(Rule.C11_FOOTPRINT, "committed " + s.committedBytes() + " must lie between live "
                        + s.liveBytes() + " and reserved " + s.reservedBytes());
            }
            peakSinceIdle = Math.max(peakSinceIdle, s.committedBytes());
            if (s.liveCount() == 0 && design.has(Feature.IDLE_BOUND)) {
                checkIdle(system, s);
            }
        }
    }

    /**
     * With {@code FOOTPRINT}, after each action (C11): a range the allocator reported after the last one that no range
     * it reports now overlaps has left its books, and must have left the address space too. It counts as still mapped
     * only when every page of it is, so a mapping the JVM made since in part of the hole is not blamed. Asked once per
     * action, not per free: a fill frees thousands of blocks, each its own mapping in some designs.
     */
    void checkRangesLeft(Allocator system) {
        if (!design.has(Feature.FOOTPRINT) || !KernelMemory.available()) {
            return;
        }
        List<io.vakit.spi.AddressRange> before = ranges;
        ranges = List.copyOf(system.reservedRanges());
        java.util.TreeMap<Long, Long> now = new java.util.TreeMap<>();
        for (io.vakit.spi.AddressRange r : ranges) {
            now.merge(r.start(), r.end(), Math::max);
        }
        for (io.vakit.spi.AddressRange r : before) {
            var below = now.lowerEntry(r.end());
            if (below != null && below.getValue() > r.start()) {
                continue; // still (partly) in its books
            }
            hit(Rule.C11_FOOTPRINT);
            reach(States.RANGE_LEFT);
            if (KernelMemory.mappedThroughout(r.start(), r.end())) {
                throw violation(Rule.C11_FOOTPRINT, "the range " + hex(r.start()) + "+" + r.bytes() + " left "
                        + "reservedRanges() in the last action, but every page of it is still mapped: a mapping that "
                        + "left the allocator's books but not the address space");
            }
        }
    }

    /**
     * No block is live (C11, with IDLE_BOUND): no more committed than the design's idle bound; and when the run came
     * down from above that bound (a burst was freed), no more resident in the allocator's ranges than committed.
     */
    private void checkIdle(Allocator system, Stats s) {
        long bound = system.idleCommittedBound();
        if (s.committedBytes() > bound) {
            throw violation(Rule.C11_FOOTPRINT, "no block is live, yet " + s.committedBytes() + " bytes stay "
                    + "committed, above the " + bound + " the design's idle bound allows (the peak since the last "
                    + "idle moment was " + peakSinceIdle + "): emptied memory is never given back");
        }
        if (peakSinceIdle > bound) {
            reach(States.IDLE_AFTER_PEAK);
            checkKernelFootprint(system, "idle after a peak of " + peakSinceIdle + " committed bytes");
        }
        peakSinceIdle = s.committedBytes();
    }

    /**
     * With {@code FOOTPRINT}, what the kernel says (C11): the allocator's ranges add up to its reserved bytes, and no
     * more is resident in them than it says is committed. Returns the ranges (empty without FOOTPRINT), so that
     * {@link #checkReleased} can check them after close.
     */
    List<io.vakit.spi.AddressRange> checkKernelFootprint(Allocator system, String op) {
        if (!design.has(Feature.FOOTPRINT) || !KernelMemory.available()) {
            return List.of();
        }
        hit(Rule.C11_FOOTPRINT);
        List<io.vakit.spi.AddressRange> ranges = List.copyOf(system.reservedRanges());
        Stats s = system.stats();
        long sum = ranges.stream().mapToLong(io.vakit.spi.AddressRange::bytes).sum();
        if (sum != s.reservedBytes()) {
            throw violation(Rule.C11_FOOTPRINT, op + ": reservedRanges() add up to " + sum + " bytes in "
                    + ranges.size() + " ranges, but stats say " + s.reservedBytes() + " are reserved");
        }
        long resident = KernelMemory.resident(ranges);
        coverage.merge("max:resident", resident, Math::max);
        if (resident > s.committedBytes()) {
            throw violation(Rule.C11_FOOTPRINT, op + ": the kernel has " + resident + " bytes resident in the "
                    + "allocator's ranges, more than the " + s.committedBytes() + " its stats say are committed "
                    + "(memory it released on paper is still there)");
        }
        return ranges;
    }

    /**
     * After a large block (above {@link Patterns#FULL}) is freed, with {@code FOOTPRINT}: if no range the allocator
     * still reports holds its start, that memory must be unmapped (C11), or it leaked out of the allocator's sight.
     */
    void checkUnreservedIsUnmapped(Allocator system, Block freedBlock, String op) {
        if (!design.has(Feature.FOOTPRINT) || freedBlock.extent() <= Patterns.FULL
                || !KernelMemory.available()) {
            return;
        }
        hit(Rule.C11_FOOTPRINT);
        long a = freedBlock.address();
        boolean reserved = system.reservedRanges().stream().anyMatch(r -> a >= r.start() && a < r.end());
        if (!reserved && KernelMemory.mapped(a)) {
            throw violation(Rule.C11_FOOTPRINT, op + ": block #" + freedBlock.label() + " at " + hex(a) + " was freed and"
                    + " no range the allocator reports holds it any more, but it is still mapped: a leaked mapping");
        }
    }

    /** After close: none of the allocator's former ranges is still mapped (C11). */
    void checkReleased(List<io.vakit.spi.AddressRange> ranges, String op) {
        for (io.vakit.spi.AddressRange r : ranges) {
            hit(Rule.C11_FOOTPRINT);
            long last = r.end() - 1;
            if (KernelMemory.mapped(r.start()) || KernelMemory.mapped(last)) {
                throw violation(Rule.C11_FOOTPRINT, op + ": after close, the range " + hex(r.start()) + "+" + r.bytes()
                        + " is still mapped: close must release every reservation");
            }
        }
    }

    /**
     * After an action: the written blocks near what it touched, and every written block each
     * {@value #FULL_CHECK_EVERY} actions.
     */
    void checkAfterAction() {
        if (++actions % FULL_CHECK_EVERY == 0) {
            touched.clear();
            checkContents(Rule.C5_CONTENTS, "the last action");
            return;
        }
        checkTouched(Rule.C5_CONTENTS, "the last action");
    }

    /** Checks the written blocks near every range touched since the last check, each once. */
    void checkTouched(Rule rule, String after) {
        if (touched.isEmpty()) {
            return;
        }
        touched.sort(java.util.Comparator.comparingLong(t -> t[0]));
        long from = Long.MIN_VALUE;
        long to = Long.MIN_VALUE;
        java.util.LinkedHashSet<Block> near = new java.util.LinkedHashSet<>();
        List<Block> range = new ArrayList<>();
        for (long[] t : touched) {
            long f = t[0] - NEIGHBOURHOOD;
            long e = t[0] + t[1] + NEIGHBOURHOOD;
            if (f > to) {
                checkRange(from, to, range);
                from = f;
            }
            to = Math.max(to, e);
        }
        checkRange(from, to, range);
        near.addAll(range);
        touched.clear();
        checkBlocks(near, rule, after);
    }

    private void checkRange(long from, long to, List<Block> into) {
        if (from == Long.MIN_VALUE) {
            return;
        }
        Long start = byAddress.floorKey(from);
        if (start == null) {
            start = byAddress.ceilingKey(from);
        }
        if (start == null || start > to) {
            return;
        }
        into.addAll(byAddress.subMap(start, true, to, true).values());
    }

    /** Checks that every written byte of every live block still holds its pattern. */
    public void checkContents(Rule rule, String after) {
        checkBlocks(byLabel.values(), rule, after);
    }

    /**
     * Checks the written blocks among {@code blocks}, in one batch (one round trip to a process the blocks live in),
     * and reports the first that lost its contents.
     */
    private void checkBlocks(java.util.Collection<Block> blocks, Rule rule, String after) {
        List<Block> written = new ArrayList<>();
        List<BlockMemory.Span> spans = new ArrayList<>();
        List<Integer> firstSpan = new ArrayList<>();
        for (Block b : blocks) {
            if (b.written() > 0) {
                hit(rule);
                written.add(b);
                firstSpan.add(spans.size());
                spans.addAll(Patterns.spans(b.address(), b.label(), b.written(), b.limit()));
            }
        }
        if (spans.isEmpty()) {
            return;
        }
        long[] mismatches = memory.firstMismatches(spans);
        for (int i = 0; i < written.size(); i++) {
            int end = i + 1 < written.size() ? firstSpan.get(i + 1) : spans.size();
            long at = Patterns.first(java.util.Arrays.copyOfRange(mismatches, firstSpan.get(i), end));
            if (at >= 0) {
                Block b = written.get(i);
                throw violation(rule, "after " + after + ", block #" + b.label() + " at " + hex(b.address())
                        + " (" + b.size() + " bytes" + (b.usable() > b.size() ? ", usable " + b.usable() : "")
                        + ") lost its contents at offset " + at);
            }
        }
    }

    /** How many actions checked their aftermath so far. */
    long actionsRun() {
        return actions;
    }

    /** Where the system's blocks are read and written: set from the system before the first action. */
    void useMemory(BlockMemory blocks) {
        this.memory = blocks;
    }

    /** Where the system's blocks are read and written. */
    BlockMemory memory() {
        return memory;
    }

    /**
     * Runs {@code misuse}, which must throw {@code type} with a message naming the design and each of
     * {@code mentions}, and leave stats and contents as they were.
     */
    public <E extends RuntimeException> E expectRefusal(Allocator system, Rule rule, String op, Class<E> type,
            Runnable misuse, String... mentions) {
        hit(rule);
        operation();
        Stats before = closed ? null : system.stats();
        E fault;
        try {
            misuse.run();
            throw violation(rule, op + " was accepted; expected " + type.getSimpleName());
        } catch (Violation v) {
            throw v;
        } catch (RuntimeException e) {
            if (!type.isInstance(e)) {
                throw new Violation(rule.label(), op + " threw " + e.getClass().getName() + " (" + e.getMessage()
                        + "); expected " + type.getSimpleName(), e);
            }
            fault = type.cast(e);
        }
        String message = String.valueOf(fault.getMessage());
        if (!(fault instanceof AllocatorFault) || !message.contains(design.id())) {
            throw violation(rule, op + ": the message must name the design '" + design.id() + "': " + message);
        }
        for (String m : mentions) {
            if (!message.contains(m)) {
                throw violation(rule, op + ": the message must name " + m + ": " + message);
            }
        }
        if (before != null) {
            Stats after = system.stats();
            if (!sameCounters(before, after)) {
                throw violation(rule, op + " was refused but changed the stats from " + before + " to " + after);
            }
            checkTouched(rule, "refused " + op);
        }
        return fault;
    }

    static String hex(long a) {
        return "0x" + Long.toHexString(a);
    }
}
