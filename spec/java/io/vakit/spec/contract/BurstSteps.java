package io.vakit.spec.contract;

import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.Feature;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.SizeClassTable;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The actions that fill and empty containers, each one action of a chain: a burst of blocks of one class freed in
 * one of four orders, and (in the small configuration) a fill up to exhaustion and the recovery after it.
 */
final class BurstSteps {
    /** The orders a burst frees its blocks in, by its {@code order} argument. */
    static final List<String> ORDERS = List.of("ascending", "descending", "alternate", "random");
    /**
     * The bytes of each block a burst or a fill writes (and checks): its first page's worth. Their point is the
     * containers; a block's whole extent is written by the single-block actions.
     */
    static final long WRITTEN = Patterns.WINDOW;
    /** The most blocks a fill allocates before it gives up reaching exhaustion, whatever their size. */
    static final int FILL_MAX = 20_000;
    /**
     * The bytes a fill of small blocks may allocate beyond {@link #FILL_MAX} blocks: a fill of 32-byte blocks still
     * exhausts a small configuration of up to 4 MiB (a sweep, {@link States#SWEPT}, fills a coarse table's small
     * classes).
     */
    static final long FILL_BYTES = 4L << 20;

    private BurstSteps() {}

    static List<ActionType<Allocator, AllocatorModel>> types() {
        return List.of(
                Step.type("burst", m -> m.closed() ? 0 : 3, BurstSteps::burst,
                        e -> new Burst(e.label(), e.arg(0), (int) e.arg(1), (int) e.arg(2))),
                // a sweep under way (States.SWEPT) takes its fills one after the other, and drains before its last
                Step.type("fill", m -> m.small() && !m.closed() ? (sweeping(m) ? 40 : 4) : 0,
                        (r, m, l) -> new Fill(l, fillSize(r, m), false), e -> new Fill(e.label(), e.arg(0), false)),
                Step.type("fillElsewhere", m -> m.small() && !m.closed() && m.design().has(Feature.THREAD_SAFE) ? 3 : 0,
                        (r, m, l) -> new Fill(l, fillSize(r, m), true), e -> new Fill(e.label(), e.arg(0), true)),
                Step.type("reslot", Reslot::weight,
                        BurstSteps::reslot, e -> new Reslot(e.label(), e.arg(0), e.arg(1))),
                Step.type("drain", m -> m.liveCount() == 0 ? 0
                                : sweeping(m) && m.classesFilled() >= States.SWEEP - 1 ? 40 : 2,
                        (r, m, l) -> new Drain(),
                        e -> new Drain()));
    }

    /**
     * The most blocks a fill of {@code size} bytes allocates: {@link #FILL_MAX}, or as many as {@link #FILL_BYTES}
     * hold. A fill's labels may run past its label's own range into those of later labels, which hold no block yet:
     * the fill frees every block before its action ends.
     */
    static int fillMax(long size) {
        return (int) Math.max(FILL_MAX, FILL_BYTES / Math.max(1, size));
    }

    /** True while a sweep is under way in this chain: wanted, begun, and with a class left to fill. */
    private static boolean sweeping(AllocatorModel m) {
        return m.wantsSweep() && m.classesFilled() > 0 && m.sweepSize() > 0;
    }

    /**
     * True when a burst can fill a container that holds {@code capacity} slots of {@code slot} bytes: it allocates
     * twice the capacity plus two blocks, within the most blocks and the most written bytes a burst may have.
     */
    static boolean fillable(long capacity, long slot) {
        long count = 2 * capacity + 2;
        return capacity > 0 && count <= Sizes.BURST_MAX && count * Math.max(1, Patterns.touched(slot)) <= Sizes.BURST_BYTES;
    }

    /** The label of the {@code i}th block of the burst labelled {@code label}. */
    static int sub(int label, int i) {
        return 1_000_000 + label * 16_384 + i;
    }

    private static Burst burst(RandomGenerator r, AllocatorModel m, int label) {
        boolean placed = m.design().has(Feature.PLACEMENT);
        long size = Sizes.edge(r, m, placed && r.nextInt(100) < 40 ? m.design().maxBlockSize() : 64 * 1024);
        if (placed && r.nextInt(100) < 60) { // aim at a class whose container the run has not seen full yet
            long[] edges = java.util.Arrays.stream(m.edges()).filter(e -> e <= 64 * 1024
                    && !m.reached(States.fullSlot(slot(m, e)))
                    && (m.capacityHint(slot(m, e)) < 0 || fillable(m.capacityHint(slot(m, e)), slot(m, e)))).toArray();
            // and the larger slots placements showed (parts, arenas, runs), where a burst that fills their
            // container fits the bytes a burst may touch
            long[] larger = java.util.Arrays.stream(m.slotsSeen()).filter(s -> s > 64 * 1024
                    && s <= m.design().maxBlockSize() && !m.reached(States.fullSlot(s))
                    && fillable(m.capacityHint(s), s)).sorted().toArray();
            // the larger slots are few beside the table's edges: half the aimed bursts go to them
            long[] open = larger.length > 0 && (edges.length == 0 || r.nextBoolean()) ? larger : edges;
            if (open.length > 0) {
                size = open[r.nextInt(open.length)];
            }
        }
        long hint = m.capacityHint(slot(m, size));
        int count;
        if (hint > 0) {
            count = (int) Math.min(Sizes.BURST_MAX, 2 * hint + 2);
        } else {
            count = size > 64 * 1024 ? 2 + r.nextInt(4) : 64 << (2 * r.nextInt(4));
        }
        long touched = Math.max(1, Patterns.touched(size)); // what a block costs: the pages an allocator commits
        count = (int) Math.max(2, Math.min(count, Sizes.BURST_BYTES / touched));
        return new Burst(label, size, count, r.nextInt(ORDERS.size()));
    }

    /**
     * A reslot's sizes: a class of the table from 512 bytes to 16 KiB, and a larger class up to four times as large;
     * null when the table has no such pair.
     */
    private static Reslot reslot(RandomGenerator r, AllocatorModel m, int label) {
        SizeClassTable t = m.design().sizeClasses();
        List<long[]> pairs = new ArrayList<>();
        for (int c = 0; c < t.count(); c++) {
            for (int d = c + 1; d < t.count(); d++) {
                long a = t.size(c);
                long b = t.size(d);
                if (a >= 512 && a <= 16 * 1024 && b > a && b <= 4 * a && b <= m.design().maxBlockSize()) {
                    pairs.add(new long[] {a, b});
                }
            }
        }
        long[] p = pairs.isEmpty() ? new long[] {512, 1024} : pairs.get(r.nextInt(pairs.size()));
        return new Reslot(label, p[0], p[1]);
    }

    /** The slot size a block of {@code size} gets: its class size, or the size without a table. */
    private static long slot(AllocatorModel m, long size) {
        SizeClassTable t = m.design().sizeClasses();
        int c = t == null ? -1 : t.classOf(size);
        return c < 0 ? size : t.size(c);
    }

    /**
     * A fill's size: a class edge from 1 KiB to 64 KiB; or, for a design with a table, one byte beyond its last class
     * (a block no pool serves: a whole part, a run, a mapping), one fill in three until such a fill recovered after
     * the other thread's frees ({@link States#RECOVERED_ELSEWHERE_BEYOND}); or, while the run needs
     * {@link States#SWEPT}, the next class of a sweep: every fill once one began, else one fill in three.
     */
    private static long fillSize(RandomGenerator r, AllocatorModel m) {
        long beyond = States.beyond(m.design()) + 1;
        if (m.design().sizeClasses() != null && beyond <= m.design().maxBlockSize()
                && !m.reached(States.RECOVERED_ELSEWHERE_BEYOND) && r.nextInt(3) == 0) {
            return beyond;
        }
        if (m.wantsSweep() && m.sweepSize() > 0 && (m.classesFilled() > 0 || r.nextInt(3) == 0)) {
            return m.sweepSize();
        }
        long[] edges = java.util.Arrays.stream(m.edges()).filter(e -> e >= 1024 && e <= 64 * 1024).toArray();
        return edges.length == 0 ? 4096 : edges[r.nextInt(edges.length)];
    }

    /**
     * At a burst's peak, a free at the unused tail of up to {@link #TAIL_PROBES} containers whose last slot one of
     * {@code blocks} fills (see {@link MisuseSteps.FreeTail}): where an index clamped or unbounded finds a live block.
     */
    private static void probeTails(Allocator a, AllocatorModel m, String op, List<Integer> blocks) {
        if (!m.design().has(Feature.INVALID_FREE_DETECTION) || !m.design().has(Feature.PLACEMENT)) {
            return;
        }
        int probed = 0;
        for (int i = blocks.size() - 1; i >= 0 && probed < TAIL_PROBES; i--) {
            int l = blocks.get(i);
            if (m.inLastSlot(l)) {
                MisuseSteps.FreeTail.probe(a, m, op + " at its peak: freeTail#" + l + "()", l);
                probed++;
            }
        }
    }

    /** The containers a burst probes at their tails. */
    static final int TAIL_PROBES = 4;

    /** Allocates and writes one block of a burst; false when the allocator was exhausted. */
    private static boolean add(Allocator a, AllocatorModel m, String op, int label, long size, List<Integer> into) {
        if (!BlockSteps.allocate(a, m, op, label, size, 1)) {
            return false;
        }
        BlockSteps.write(m, label, WRITTEN);
        into.add(label);
        return true;
    }

    private static void free(Allocator a, AllocatorModel m, int label) {
        m.operation();
        a.free(BlockSteps.segment(m.live(label).orElseThrow()));
        m.remove(label, false);
        m.checkStats(a);
    }

    /**
     * Frees {@code labels}, on the contract's other thread when {@code elsewhere} (in one visit to it, then the stats
     * checked once), else one by one on this thread.
     */
    private static void freeAll(Allocator a, AllocatorModel m, List<Integer> labels, boolean elsewhere) {
        if (!elsewhere) {
            labels.forEach(l -> free(a, m, l));
            return;
        }
        List<MemorySegment> blocks = new ArrayList<>();
        Map<Long, Integer> perContainer = new HashMap<>();
        for (int l : labels) {
            m.operation();
            AllocatorModel.Block b = m.live(l).orElseThrow();
            blocks.add(BlockSteps.segment(b));
            if (b.container() >= 0) {
                perContainer.merge(b.container(), 1, Integer::sum);
            }
        }
        OtherThread.run(() -> blocks.forEach(a::free));
        labels.forEach(l -> m.remove(l, false));
        if (perContainer.size() >= 2) { // observed: the visit returned, every free made
            m.reach(States.FREED_ELSEWHERE_SPREAD);
            if (perContainer.values().stream().anyMatch(n -> n >= 2)) {
                m.reach(States.FREED_ELSEWHERE_IN_BATCH);
            }
        }
        m.checkStats(a);
    }

    /**
     * {@code burst#L(size, count, order)}: allocate {@code count} blocks of {@code size} and write each (its first
     * {@link #WRITTEN} bytes); free the
     * middle one and allocate again (a free from a full container, and its refill); free them all in the order (the
     * stats checked after each free); then allocate half as many again (a container emptied and reused) and free
     * them in the same order. Nothing it allocates stays live. At its peak, it frees at the unused tails of the
     * containers it filled (refused: see {@link MisuseSteps.FreeTail}).
     */
    record Burst(int label, long size, int count, int order) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed() && count >= 2 && m.live(sub(label, 0)).isEmpty();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            String op = toString();
            List<Integer> blocks = new ArrayList<>();
            for (int i = 0; i < count && add(a, m, op, sub(label, i), size, blocks); i++) {
                // allocate until done or exhausted
            }
            m.checkTouched(Rule.C5_CONTENTS, op + " allocating");
            probeTails(a, m, op, blocks);
            if (blocks.size() >= 2) {
                int middle = blocks.remove(blocks.size() / 2);
                free(a, m, middle);
                add(a, m, op, sub(label, count), size, blocks);
                m.checkTouched(Rule.C5_CONTENTS, op + " freeing one and allocating again");
            }
            List<Integer> sequence = order(blocks, Math.floorMod(order, ORDERS.size()), label);
            for (int i = 0; i < sequence.size(); i++) {
                free(a, m, sequence.get(i));
                if (i % 256 == 255) {
                    m.checkTouched(Rule.C5_CONTENTS, op + " freeing");
                }
            }
            m.checkTouched(Rule.C5_CONTENTS, op + " freeing");
            m.reach(States.burst(ORDERS.get(Math.floorMod(order, ORDERS.size()))));
            List<Integer> again = new ArrayList<>();
            for (int i = 0; i < Math.max(1, count / 2) && add(a, m, op, sub(label, count + 1 + i), size, again); i++) {
                // reuse what was emptied
            }
            m.checkTouched(Rule.C5_CONTENTS, op + " allocating again");
            for (int l : order(again, Math.floorMod(order, ORDERS.size()), label)) {
                free(a, m, l);
            }
        }

        static List<Integer> order(List<Integer> blocks, int order, int seed) {
            List<Integer> out = new ArrayList<>(blocks);
            switch (order) {
                case 1 -> java.util.Collections.reverse(out);
                case 2 -> {
                    out.clear();
                    for (int i = 0; i < blocks.size(); i += 2) {
                        out.add(blocks.get(i));
                    }
                    for (int i = 1; i < blocks.size(); i += 2) {
                        out.add(blocks.get(i));
                    }
                }
                case 3 -> java.util.Collections.shuffle(out, new java.util.Random(seed));
                default -> { }
            }
            return out;
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            List<Action<Allocator, AllocatorModel>> out = new ArrayList<>();
            if (order != 0) {
                out.add(new Burst(label, size, count, 0));
            }
            if (count > 2) {
                out.add(new Burst(label, size, count / 2, order));
            }
            for (long s : Sizes.simpler(size)) {
                out.add(new Burst(label, s, count, order));
            }
            return out;
        }

        @Override
        public String toString() {
            return Encoded.format("burst", label, size, count, order);
        }
    }

    /**
     * {@code reslot#L(a, b)}: allocate {@link #RESLOT_BYTES} of blocks of {@code a} bytes (at most {@link #RESLOT_MAX})
     * and free them all, oldest first; then allocate blocks of {@code b} bytes, a larger class, until one of the freed
     * addresses lies in a container that had slots of {@code a} and now holds live blocks of another slot size,
     * outside every live block (at most {@link #RESLOT_MAX} blocks; an address that is not a slot start of the new
     * size is preferred), and free that address again. M2: it is refused as DOUBLE or UNKNOWN (FOREIGN too, past
     * {@link AllocatorModel#FREED_HORIZON} frees). A design that tests an address against the slot size before it
     * asks whether the slot is live says INTERIOR there, and only there: the model generates such an address nowhere
     * else. Nothing it allocates stays live; the freed blocks of {@code a} are forgotten after.
     */
    record Reslot(int label, long a, long b) implements Step {
        static boolean possible(AllocatorModel m) {
            return !m.closed() && !m.small() && m.design().has(Feature.INVALID_FREE_DETECTION)
                    && m.design().has(Feature.PLACEMENT) && m.design().sizeClasses() != null;
        }

        /**
         * Aimed while a reslot showed a container of its first size serving its second and the double free there is
         * still wanted; else drawn now and then, up to {@link #RESLOT_TRIES} reslots in a run: each is thousands of
         * calls.
         */
        static int weight(AllocatorModel m) {
            if (!possible(m)) {
                return 0;
            }
            if (m.reached(States.RESLOT_SEEN) && !m.reached(States.DOUBLE_RESLOTTED)) {
                return 40;
            }
            return m.times(States.RESLOT_TRIED) < RESLOT_TRIES ? 1 : 0;
        }

        @Override
        public boolean applicable(AllocatorModel m) {
            return possible(m) && a >= 1 && b > a && m.live(sub(label, 0)).isEmpty();
        }

        @Override
        public void run(Allocator alloc, AllocatorModel m) {
            String op = toString();
            m.reach(States.RESLOT_TRIED);
            int n = (int) Math.min(RESLOT_MAX, RESLOT_BYTES / a + 1);
            List<Integer> first = new ArrayList<>();
            for (int i = 0; i < n && BlockSteps.allocate(alloc, m, op, sub(label, i), a, 1); i++) {
                first.add(sub(label, i));
            }
            Map<Long, List<Integer>> byContainer = new HashMap<>();
            Map<Integer, Long> slotOf = new HashMap<>();
            for (int l : first) {
                AllocatorModel.Block x = m.live(l).orElseThrow();
                long slot = x.container() < 0 ? -1 : m.statedSlotAt(x.container());
                if (slot > 0) {
                    byContainer.computeIfAbsent(x.container(), k -> new ArrayList<>()).add(l);
                    slotOf.put(l, slot);
                }
            }
            for (int l : first) {
                m.operation();
                alloc.free(BlockSteps.segment(m.live(l).orElseThrow()));
                m.remove(l, true);
                m.checkStats(alloc);
            }
            List<Integer> second = new ArrayList<>();
            int most = (int) Math.min(RESLOT_MAX, 2 * RESLOT_BYTES / b + 1);
            boolean offSlot = false;
            for (int i = 0; i < most && !offSlot; i++) {
                int l = sub(label, first.size() + i);
                if (!BlockSteps.allocate(alloc, m, op, l, b, 1)) {
                    break;
                }
                second.add(l);
                long start = m.live(l).orElseThrow().container();
                List<Integer> there = byContainer.getOrDefault(start, List.of());
                if (!there.isEmpty() && m.statedSlotAt(start) > 0 && m.statedSlotAt(start) != slotOf.get(there.get(0))) {
                    m.reach(States.RESLOT_SEEN); // observed: placed where the first size's slots were
                }
                offSlot = there.stream().anyMatch(old -> reslotted(m, old, slotOf.get(old)) == 1);
            }
            // judged once the blocks of b are all there: one of them may since cover a candidate seen before
            int target = -1;
            for (int old : first) {
                int kind = slotOf.containsKey(old) ? reslotted(m, old, slotOf.get(old)) : 0;
                if (kind == 1 || kind == 2 && target < 0) {
                    target = old;
                    if (kind == 1) {
                        break;
                    }
                }
            }
            if (target >= 0) {
                AllocatorModel.Block x = m.freed(target).orElseThrow();
                Set<Reason> allowed = EnumSet.of(Reason.DOUBLE, Reason.UNKNOWN);
                if (m.freesSince(target) >= AllocatorModel.FREED_HORIZON) {
                    allowed.add(Reason.FOREIGN);
                }
                MisuseSteps.expectInvalidFree(alloc, m, Rule.M2_DOUBLE_FREE, op + ": freeTwice#" + target + "() at "
                        + AllocatorModel.hex(x.address()) + ", now in a container of " + m.statedSlotAt(x.container())
                        + "-byte slots", BlockSteps.segment(x), allowed, false);
                m.reach(States.DOUBLE_RESLOTTED); // observed: refused, the container held blocks of another size
            }
            first.forEach(m::forget);
            second.forEach(l -> free(alloc, m, l));
        }

        /**
         * Whether the freed block {@code old}, which had slots of {@code slot} bytes, now lies in a container that
         * holds live blocks of another slot size, outside every live block: 1 where it is not a slot start of the new
         * size, 2 where it is one, 0 otherwise.
         */
        private static int reslotted(AllocatorModel m, int old, long slot) {
            AllocatorModel.Block x = m.freed(old).orElseThrow();
            long now = m.heldSlotAt(x.container(), x.address());
            if (now < 0 || now == slot || m.covering(x.address()).isPresent()) {
                return 0;
            }
            return (x.address() - x.container()) % now != 0 ? 1 : 2;
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            return List.of();
        }

        @Override
        public String toString() {
            return Encoded.format("reslot", label, a, b);
        }
    }

    /** The bytes of blocks a {@link Reslot} allocates first: enough to span two containers of containers. */
    static final long RESLOT_BYTES = 2L << 20;
    /** The most blocks each half of a {@link Reslot} allocates. */
    static final int RESLOT_MAX = 4096;
    /** The reslots a run draws without the aim before it gives up on a design whose containers keep to one size. */
    static final int RESLOT_TRIES = 12;

    /**
     * {@code drain}: free every live block, oldest label first, the stats checked after each; the allocator is then
     * idle, and with IDLE_BOUND held to its design's idle bound.
     */
    record Drain() implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.liveCount() > 0;
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            for (int label : m.liveLabels()) {
                new BlockSteps.Free(label).run(a, m);
                m.checkStats(a);
            }
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            return List.of();
        }

        @Override
        public String toString() {
            return Encoded.format("drain", -1);
        }
    }

    /**
     * {@code fill#L(size)} (small configuration): allocate blocks of {@code size} until the allocator is exhausted
     * (the refusal must change nothing); free every other one; allocate again, which must succeed once every block
     * is freed at the latest (recovery: {@link #recover}); free everything. A fill that started with no block live
     * then fills again and must get as far ({@link #refill}, with IDLE_BOUND).
     */
    record Fill(int label, long size, boolean elsewhere) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.small() && !m.closed() && m.live(sub(label, 0)).isEmpty();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            String op = toString();
            boolean idle = m.liveCount() == 0;
            List<Integer> blocks = new ArrayList<>();
            boolean exhausted = fill(a, m, op, blocks);
            m.checkTouched(Rule.C5_CONTENTS, op + " filling");
            List<Integer> kept = new ArrayList<>();
            List<Integer> half = new ArrayList<>();
            for (int i = 0; i < blocks.size(); i++) {
                (i % 2 == 0 ? half : kept).add(blocks.get(i));
            }
            freeAll(a, m, half, elsewhere);
            if (exhausted && !blocks.isEmpty()) {
                m.filledClass(size); // observed: this class taken to exhaustion (States.SWEPT)
                if (m.classesFilled() >= States.SWEEP) {
                    m.reach(States.SWEEP_FILLED);
                }
                m.hit(Rule.C12_EXHAUSTION);
                MemorySegment again = recover(a, m, op, kept, blocks.size());
                if (elsewhere) {
                    m.reach(States.RECOVERED_ELSEWHERE); // observed: served after the other thread's frees
                    if (size > States.beyond(m.design())) {
                        m.reach(States.RECOVERED_ELSEWHERE_BEYOND);
                    }
                }
                int recovered = sub(label, fillMax(size));
                m.admit(a, op, recovered, again, size, 1); // reaches RECOVERED: as large as refused
                BlockSteps.write(m, recovered);
                kept.add(recovered);
            }
            m.checkTouched(Rule.C5_CONTENTS, op + " recovering");
            for (int l : kept) {
                free(a, m, l);
            }
            if (idle && exhausted && m.liveCount() == 0 && m.design().has(Feature.IDLE_BOUND)) {
                refill(a, m, op, blocks.size());
            }
        }

        /** Allocates blocks of the fill's size until exhausted (true) or {@link #fillMax} were served (false). */
        private boolean fill(Allocator a, AllocatorModel m, String op, List<Integer> blocks) {
            for (int i = 0, most = fillMax(size); i < most; i++) {
                if (!add(a, m, op, sub(label, i), size, blocks)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * The fill again, from the idle state its first pass left (C12, with IDLE_BOUND): no address space may be
         * lost by a fill and its frees. The second pass must serve as many blocks as the first, less what the empty
         * memory the design keeps idle could hold ({@link Allocator#idleCommittedBound()} over the slot); then it is
         * freed. With THREAD_SAFE, a third pass runs on a new thread, which then ends, and is held to the same: memory
         * freed on one thread must serve the others (a design that keeps a thread's given-back pages for that thread
         * alone runs the others out). A design with OWNER_REUSES_REMOTE_FREES may keep the address space around what
         * it keeps idle for its thread (a slice that holds its kept empty page): it owes the new thread one block (one
         * that kept every emptied slice runs it out). Its blocks are freed on the chain's thread.
         */
        private void refill(Allocator a, AllocatorModel m, String op, int first) {
            refillOnce(a, m, op + " again", first, false);
            if (m.liveCount() == 0 && m.design().has(Feature.THREAD_SAFE)) {
                refillOnce(a, m, op + " again on a new thread", first, true);
            }
        }

        private void refillOnce(Allocator a, AllocatorModel m, String op, int first, boolean newThread) {
            long bound = a.idleCommittedBound();
            List<Integer> again = new ArrayList<>();
            boolean[] exhausted = new boolean[1];
            if (newThread) {
                EndedThread.run(() -> exhausted[0] = fill(a, m, op, again));
                again.forEach(m::ownerEnded);
            } else {
                exhausted[0] = fill(a, m, op, again);
            }
            m.checkTouched(Rule.C5_CONTENTS, op + " filling");
            long slot = again.isEmpty() ? size : Math.max(size, m.live(again.get(0)).orElseThrow().usable());
            long slack = (bound + slot - 1) / slot;
            // a design whose memory belongs to the thread that allocated it may keep the address space around what
            // it keeps idle (a slice, a segment) for that thread while it lives: another thread is owed one block
            boolean owned = newThread && m.design().has(Feature.OWNER_REUSES_REMOTE_FREES);
            long owed = owned ? Math.min(1, first - slack) : first - slack;
            if (exhausted[0]) {
                m.hit(Rule.C12_EXHAUSTION);
                if (again.size() < owed) {
                    throw m.violation(Rule.C12_EXHAUSTION, op + ": filled again once every block was freed, it was"
                            + " exhausted after " + again.size() + " blocks of " + size + " bytes; the first fill"
                            + " served " + first + " from an idle start, and the " + bound + " bytes the design may"
                            + " keep idle hold at most " + slack + " of them" + (owned ? " (one block is owed to a new"
                            + " thread by a design whose memory belongs to its thread)" : "") + ": "
                            + (newThread ? "memory freed on one thread does not serve another"
                            : "address space was lost"));
                }
                // observed: exhausted again, as far as the first time
                m.reach(newThread ? States.REFILLED_ELSEWHERE : States.REFILLED);
                if (newThread && m.classesFilled() >= States.SWEEP) {
                    m.reach(States.SWEPT); // observed: as far, after this chain's fills of SWEEP classes
                }
            }
            for (int l : again) {
                free(a, m, l);
            }
        }

        /**
         * The recovery after exhaustion, with every other block of the fill freed: an allocation of the fill's size.
         * An allocator may still refuse it while the other half is live (a TLSF files a freed block by its size
         * rounded down and searches by the request rounded up, so a free block of exactly that size is not found), and
         * that refusal is judged like any other; once every block of the fill is freed too, none may refuse it. With
         * {@code elsewhere} the frees are made by the other thread: a design that defers them to the owner must take
         * them back before it refuses the owner's request (OWNER_REUSES_REMOTE_FREES: at its next allocation). A
         * design with SIZE_CLASSES may not refuse it at all when the fill's size is in its table: a slot of a class,
         * once freed, serves the next request of that class ({@link #servesFreedSlots}).
         */
        private MemorySegment recover(Allocator a, AllocatorModel m, String op, List<Integer> kept, int filled) {
            MemorySegment again = BlockSteps.attempt(a, m, op, size, () -> a.allocate(size));
            if (again != null) {
                return again;
            }
            if (servesFreedSlots(m)) {
                throw m.violation(Rule.C12_EXHAUSTION, op + ": exhausted after " + filled + " blocks of " + size
                        + " bytes, then " + (filled - kept.size()) + " of them freed"
                        + (elsewhere ? " by another thread" : "") + ", and allocate(" + size + ") was refused: a"
                        + " design with SIZE_CLASSES serves a request of a class from a freed slot of that class");
            }
            freeAll(a, m, kept, elsewhere);
            kept.clear();
            Stats before = a.stats();
            try {
                return a.allocate(size);
            } catch (AddressSpaceExhaustedException e) {
                throw m.violation(Rule.C12_EXHAUSTION, op + ": after the allocator was exhausted and all " + filled
                        + " of its blocks of " + size + " bytes were freed" + (elsewhere ? " by another thread" : "")
                        + ", allocate(" + size + ") was still refused"
                        + " (stats " + before + "): " + e.getMessage());
            }
        }

        /**
         * True when a freed block of the fill is a slot that must serve the next request of its size: the design
         * declares SIZE_CLASSES and the fill's size is in its table (a block beyond the table is a run or a mapping,
         * which a freed neighbour need not make room for), and the frees were made on the chain's thread, or by the
         * other thread to a design that takes them back at the owner's next allocation (OWNER_REUSES_REMOTE_FREES);
         * where another thread's frees go is otherwise the design's business until all of the fill is freed.
         */
        private boolean servesFreedSlots(AllocatorModel m) {
            return m.design().has(Feature.SIZE_CLASSES) && size <= States.beyond(m.design())
                    && (!elsewhere || m.design().has(Feature.OWNER_REUSES_REMOTE_FREES));
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            return List.of();
        }

        @Override
        public String toString() {
            return Encoded.format(elsewhere ? "fillElsewhere" : "fill", label, size);
        }
    }
}
