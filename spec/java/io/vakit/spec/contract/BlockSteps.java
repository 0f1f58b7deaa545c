package io.vakit.spec.contract;

import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.FamilyAllocator;
import io.vakit.spi.Feature;
import io.vakit.spi.SizeClassTable;
import io.vakit.spi.InvalidAlignmentException;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** The actions of correct use: allocate, calloc, write a pattern, free, reallocate. */
final class BlockSteps {
    private BlockSteps() {}

    static List<ActionType<Allocator, AllocatorModel>> types() {
        return List.of(
                Step.type("alloc", m -> m.closed() ? 0 : 30, (r, m, l) -> {
                    if (r.nextInt(100) < (Sizes.openPairs(m) ? 24 : 12)) { // twice as often while some are open
                        long[] pair = Sizes.alignedPair(r, m);
                        return new Alloc(l, pair[0], pair[1]);
                    }
                    long size = Sizes.size(r, m);
                    return new Alloc(l, size, Sizes.alignment(r, m.design(), size));
                }, e -> new Alloc(e.label(), e.arg(0), e.arg(1))),
                Step.type("calloc", m -> m.closed() ? 0 : 5, (r, m, l) -> new Calloc(l, Sizes.copiedSize(r, m)),
                        e -> new Calloc(e.label(), e.arg(0))),
                Step.type("callocN", m -> m.closed() ? 0 : 2, (r, m, l) -> {
                    long count = 1 + r.nextInt(64);
                    return new CallocN(l, count, Math.max(1, Sizes.copiedSize(r, m) / count));
                }, e -> new CallocN(e.label(), e.arg(0), e.arg(1))),
                Step.type("write", m -> m.liveCount() > 0 ? 20 : 0,
                        (r, m, l) -> new Write(Step.pick(r, m.liveLabels())), e -> new Write(e.label())),
                Step.type("free", m -> m.liveCount() > 0 ? 22 : 0,
                        (r, m, l) -> new Free(Step.pick(r, m.liveLabels())), e -> new Free(e.label())),
                Step.type("freeElsewhere", m -> m.liveCount() == 0 || !m.design().has(Feature.THREAD_SAFE) ? 0
                        : m.wantsRemoteDouble() && m.labelsWithNeighbours().length > 0 ? 20 : 6,
                        (r, m, l) -> new FreeElsewhere(pickElsewhere(r, m)),
                        e -> new FreeElsewhere(e.label())),
                Step.type("allocEnded", m -> !m.closed() && m.design().has(Feature.THREAD_SAFE) ? 4 : 0,
                        (r, m, l) -> new AllocEnded(l, Sizes.size(r, m)), e -> new AllocEnded(e.label(), e.arg(0))),
                Step.type("growInSlot", m -> !m.closed() && m.design().has(Feature.REALLOC_IN_SLOT)
                        && slotGrowable(m).length > 0 ? 3 : 0, (r, m, l) -> {
                    int label = Step.pick(r, slotGrowable(m));
                    AllocatorModel.Block b = m.live(label).orElseThrow();
                    long top = Math.min(b.usable(), Sizes.COPY_MAX);
                    return new GrowInSlot(label, l, b.size() + 1 + r.nextLong(top - b.size()));
                }, e -> new GrowInSlot(e.label(), (int) e.arg(0), e.arg(1))),
                Step.type("realloc", m -> m.liveCount() > 0 && m.design().has(Feature.REALLOC) ? 10 : 0, (r, m, l) -> {
                    int label = Step.pick(r, m.liveLabels());
                    AllocatorModel.Block b = m.live(label).orElseThrow();
                    return new Realloc(label, Sizes.reallocSize(r, m, b));
                }, e -> new Realloc(e.label(), e.arg(0))));
    }

    /** The live blocks beyond the table whose usable size leaves room to grow (up to the copied sizes). */
    static int[] slotGrowable(AllocatorModel m) {
        long beyond = States.beyond(m.design());
        return java.util.Arrays.stream(m.liveLabels()).filter(l -> m.live(l).filter(b -> b.size() > beyond
                && b.size() < Math.min(b.usable(), Sizes.COPY_MAX) && b.family() == 0).isPresent()).toArray();
    }

    static MemorySegment segment(AllocatorModel.Block b) {
        return MemorySegment.ofAddress(b.address()).reinterpret(b.size());
    }

    /**
     * Allocates {@code size} bytes at {@code alignment} as block {@code label}, checking it; an exhaustion is judged
     * by the model instead. Returns false when the allocator was exhausted.
     */
    static boolean allocate(Allocator a, AllocatorModel m, String op, int label, long size, long alignment) {
        MemorySegment block = attempt(a, m, op, size, () -> a.allocate(size, alignment));
        if (block == null) {
            return false; // refused for exhaustion: the pair was not reached
        }
        if (States.isPair(size, alignment)) {
            m.reach(States.pair(size, alignment)); // served: what the allocator returned is judged next
        }
        AllocatorModel.Block b = m.admit(a, op, label, block, size, alignment);
        if (alignment <= m.design().alignment().alignmentFor(size)) { // asks nothing beyond what any block gets
            m.fresh(size, b.usable());
        }
        return true;
    }

    /**
     * Makes an allocating {@code call} of {@code size} bytes; an exhaustion is judged by the model (C12) and gives
     * null. Stats are taken first where an exhaustion may come, so that the model can check it changed nothing.
     */
    static MemorySegment attempt(Allocator a, AllocatorModel m, String op, long size,
            java.util.function.Supplier<MemorySegment> call) {
        Stats before = m.mayExhaust(size) ? a.stats() : null;
        try {
            return call.get();
        } catch (AddressSpaceExhaustedException e) {
            m.exhausted(a, op, size, e, before);
            return null;
        }
    }

    /** Admits a zeroed block of {@code bytes} as {@code label} and checks it reads zero (C6). */
    static void admitZeroed(Allocator a, AllocatorModel m, String op, int label, MemorySegment block, long bytes) {
        m.admit(a, op, label, block, bytes, 1);
        m.hit(Rule.C6_CALLOC_ZERO);
        long at = Patterns.firstNonZero(m.memory(), block, bytes);
        if (at >= 0) {
            throw m.violation(Rule.C6_CALLOC_ZERO, op + " returned " + AllocatorModel.hex(block.address())
                    + " whose byte " + at + " is not zero");
        }
    }

    /** Writes block {@code label}'s pattern over its usable bytes. */
    static void write(AllocatorModel m, int label) {
        write(m, label, Long.MAX_VALUE);
    }

    /** Writes the pattern over the first {@code max} bytes of the live block {@code label} (at most its extent). */
    static void write(AllocatorModel m, int label, long max) {
        AllocatorModel.Block b = m.live(label).orElseThrow();
        long length = Math.min(max, b.extent());
        Patterns.fill(m.memory(), b.segment(), label, length);
        m.written(label, length);
    }

    /** {@code alloc#L(size, alignment)}: allocate a block (or, above the natural alignment, expect a refusal). */
    record Alloc(int label, long size, long alignment) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed() && m.live(label).isEmpty() && m.freed(label).isEmpty();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            long natural = m.design().alignment().alignmentFor(size);
            if (alignment > natural && !m.design().has(Feature.ALIGNED_ALLOCATION)) {
                m.expectRefusal(a, Rule.M6_BAD_ALIGNMENT, toString(), InvalidAlignmentException.class,
                        () -> a.allocate(size, alignment), String.valueOf(alignment));
                m.reach(States.ABOVE_NATURAL_REFUSED);
                if (States.isPair(size, alignment)) {
                    m.reach(States.pair(size, alignment));
                }
                return;
            }
            allocate(a, m, toString(), label, size, alignment);
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            List<Action<Allocator, AllocatorModel>> out = new ArrayList<>();
            if (alignment > 1) {
                out.add(new Alloc(label, size, 1));
            }
            for (long s : Sizes.simpler(size)) {
                out.add(new Alloc(label, s, alignment));
            }
            return out;
        }

        @Override
        public String toString() {
            return Encoded.format("alloc", label, size, alignment);
        }
    }

    /** {@code calloc#L(size)}: allocate a zeroed block and check it reads zero. */
    record Calloc(int label, long size) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed() && m.live(label).isEmpty() && m.freed(label).isEmpty();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            MemorySegment block = attempt(a, m, toString(), size, () -> a.allocateZeroed(size));
            if (block != null) {
                admitZeroed(a, m, toString(), label, block, size);
            }
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            List<Action<Allocator, AllocatorModel>> out = new ArrayList<>();
            for (long s : Sizes.simpler(size)) {
                out.add(new Calloc(label, s));
            }
            return out;
        }

        @Override
        public String toString() {
            return Encoded.format("calloc", label, size);
        }
    }

    /** {@code callocN#L(count, size)}: C's {@code calloc(count, size)}: a zeroed block of the product. */
    record CallocN(int label, long count, long size) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed() && m.live(label).isEmpty() && m.freed(label).isEmpty();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            MemorySegment block = attempt(a, m, toString(), count * size, () -> a.allocateZeroed(count, size));
            if (block != null) {
                admitZeroed(a, m, toString(), label, block, count * size);
            }
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            return count == 1 && size == 1 ? List.of() : List.of(new CallocN(label, 1, 1), new CallocN(label, 1, size));
        }

        @Override
        public String toString() {
            return Encoded.format("callocN", label, count, size);
        }
    }

    /** {@code write#L()}: fill the block and its slack with its pattern; from now on it must read back intact. */
    record Write(int label) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.live(label).isPresent();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            write(m, label);
        }

        @Override
        public String toString() {
            return Encoded.format("write", label);
        }
    }

    /** {@code free#L()}: free a live block. */
    record Free(int label) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.live(label).isPresent();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            m.operation();
            AllocatorModel.Block b = m.live(label).orElseThrow();
            if (b.family() != 0) {
                ((FamilyAllocator) a).freeIn(b.family(), segment(b));
            } else {
                a.free(segment(b));
            }
            m.remove(label);
            m.checkUnreservedIsUnmapped(a, b, toString());
        }

        @Override
        public String toString() {
            return Encoded.format("free", label);
        }
    }

    /**
     * The live block the other thread frees: while {@link States#DOUBLE_OF_REMOTE} is wanted, half the time one whose
     * container holds another live block (so that a second free of it must say DOUBLE), else any.
     */
    private static int pickElsewhere(java.util.random.RandomGenerator r, AllocatorModel m) {
        if (m.wantsRemoteDouble() && r.nextBoolean()) {
            int[] shared = m.labelsWithNeighbours();
            if (shared.length > 0) {
                return Step.pick(r, shared);
            }
        }
        return Step.pick(r, m.liveLabels());
    }

    /**
     * {@code freeElsewhere#L()}: free a live block from the contract's other thread (THREAD_SAFE only), which never
     * allocates: for a design with per-thread memory, a deferred free. When it returns the block is freed for every
     * rule (C8, C10, M2: spec/contract.md#frees-from-another-thread), however late its memory is reused.
     */
    record FreeElsewhere(int label) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.live(label).isPresent() && m.design().has(Feature.THREAD_SAFE);
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            m.operation();
            AllocatorModel.Block b = m.live(label).orElseThrow();
            OtherThread.run(() -> {
                if (b.family() != 0) {
                    ((FamilyAllocator) a).freeIn(b.family(), segment(b));
                } else {
                    a.free(segment(b));
                }
            });
            m.remove(label);
            m.freedElsewhere(label);
            m.reach(States.FREED_ELSEWHERE);
            m.checkUnreservedIsUnmapped(a, b, toString());
        }

        @Override
        public String toString() {
            return Encoded.format("freeElsewhere", label);
        }
    }

    /**
     * {@code allocEnded#L(size)}: allocate a block on a new thread that then ends (THREAD_SAFE only); the action
     * returns once the thread has ended. The block is live like any other: later actions write, free and reallocate it
     * from the chain's threads, so a design with per-thread memory must adopt, or serve from outside, the memory of a
     * thread that is gone (spec/contract.md#blocks-of-a-thread-that-ended). Before the thread ends it also allocates
     * and frees a block of another class ({@link #scratchSize}), so the heap it leaves has freed blocks too.
     */
    record AllocEnded(int label, long size) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed() && m.live(label).isEmpty() && m.freed(label).isEmpty()
                    && m.design().has(Feature.THREAD_SAFE);
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            boolean[] served = new boolean[1];
            EndedThread.run(() -> {
                int scratch = -1 - label; // a label no chain action uses
                boolean scratched = allocate(a, m, toString(), scratch, scratchSize(size, m.design().maxBlockSize()),
                        1);
                served[0] = allocate(a, m, toString(), label, size, 1);
                if (scratched) {
                    m.operation();
                    a.free(segment(m.live(scratch).orElseThrow()));
                    m.remove(scratch, false);
                    m.checkStats(a);
                }
            });
            if (served[0]) {
                m.ownerEnded(label); // observed: served, and its thread has ended
            }
        }

        /**
         * The size of the block the ended thread allocates and frees itself around the labelled one, within the
         * design's largest block {@code max}: at least 8 times larger or smaller than {@code size} where the design
         * allows, so of another class in every table the kit knows, and a per-thread design leaves an emptied container
         * of that class in the ended thread's heap, beside counts of frees as well as of allocations.
         */
        static long scratchSize(long size, long max) {
            long big = Math.min(4096, max);
            return size <= big / 8 ? big : Math.max(1, Math.min(64, size / 8));
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            List<Action<Allocator, AllocatorModel>> out = new ArrayList<>();
            for (long s : Sizes.simpler(size)) {
                out.add(new AllocEnded(label, s));
            }
            return out;
        }

        @Override
        public String toString() {
            return Encoded.format("allocEnded", label, size);
        }
    }

    /**
     * {@code growInSlot#L(probe, newSize)}: grow a block beyond the table within its slot (REALLOC_IN_SLOT). A fresh
     * block of {@code newSize} (labelled {@code probe}) is allocated and freed first, so the run has seen what usable
     * size such a request gets; then the block is reallocated to it, and C7 asks that it stay where it is when the
     * fresh block got the block's own usable size.
     */
    record GrowInSlot(int label, int probe, long newSize) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed() && m.live(label).isPresent() && m.live(probe).isEmpty() && m.freed(probe).isEmpty()
                    && m.design().has(Feature.REALLOC_IN_SLOT);
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            new Alloc(probe, newSize, 1).run(a, m);
            if (m.live(probe).isPresent()) {
                new Free(probe).run(a, m);
            }
            if (m.live(label).isPresent()) {
                new Realloc(label, newSize).run(a, m);
            }
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            return List.of(new Realloc(label, newSize));
        }

        @Override
        public String toString() {
            return Encoded.format("growInSlot", label, probe, newSize);
        }
    }

    /**
     * {@code realloc#L(newSize)}: resize a live block; its written prefix must survive, and with REALLOC_IN_PLACE a
     * size of the same class keeps the address.
     */
    record Realloc(int label, long newSize) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.live(label).filter(b -> b.size() <= Sizes.COPY_MAX).isPresent()
                    && m.design().has(Feature.REALLOC);
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            AllocatorModel.Block old = m.live(label).orElseThrow();
            MemorySegment moved = attempt(a, m, toString(), newSize, () -> old.family() != 0
                    ? ((FamilyAllocator) a).reallocateIn(old.family(), segment(old), newSize)
                    : a.reallocate(segment(old), newSize));
            if (moved == null) {
                return;
            }
            int from = m.servedClass(old);
            m.remove(label, false);
            // in place, the block keeps the unit its first request (perhaps aligned) got: its alignment is not known here
            AllocatorModel.Block now = m.admit(a, toString(), label, moved, newSize,
                    moved.address() == old.address() ? 0 : 1);
            int to = Sizes.classOf(m.design(), newSize);
            m.reach(to > from ? States.REALLOC_UP : to < from ? States.REALLOC_DOWN : States.REALLOC_SAME);
            long kept = Math.min(old.limit(), Math.min(old.size(), newSize)); // the slack is not carried over
            if (old.written() > 0 && kept > 0) {
                m.hit(Rule.C7_REALLOC_PREFIX);
                long at = Patterns.firstMismatch(m.memory(), moved, label, old.written(), kept);
                if (at >= 0) {
                    throw m.violation(Rule.C7_REALLOC_PREFIX, toString() + " moved block #" + label + " from "
                            + AllocatorModel.hex(old.address()) + " to " + AllocatorModel.hex(moved.address())
                            + " but lost byte " + at + " of its " + kept + "-byte prefix");
                }
            }
            if (m.design().has(Feature.REALLOC_IN_PLACE)) {
                checkInPlace(m, old, moved, to == from);
            }
            m.moved(old, now, kept);
        }

        /**
         * REALLOC_IN_PLACE (C7): a new size of the block's own class keeps its address. With REALLOC_IN_SLOT, beyond
         * the table (or without one) too: a size whose every fresh block the run allocated got exactly the block's
         * usable size is of its slot, which the block already is.
         */
        private void checkInPlace(AllocatorModel m, AllocatorModel.Block old, MemorySegment moved, boolean sameClass) {
            SizeClassTable t = m.design().sizeClasses();
            boolean inTable = t != null && t.classOf(newSize) >= 0;
            boolean sameSlot = !inTable && m.design().has(Feature.REALLOC_IN_SLOT)
                    && m.freshUsable(newSize) == old.usable();
            if (!(inTable && sameClass) && !sameSlot) {
                return;
            }
            m.hit(Rule.C7_REALLOC_PREFIX);
            if (moved.address() != old.address()) {
                throw m.violation(Rule.C7_REALLOC_PREFIX, toString() + " kept block #" + label + " in its "
                        + (inTable ? "class" : "slot of " + old.usable() + " bytes (what every fresh block of "
                        + newSize + " bytes got)") + " but moved it from " + AllocatorModel.hex(old.address())
                        + " to " + AllocatorModel.hex(moved.address()) + " (the design declares "
                        + (inTable ? "REALLOC_IN_PLACE" : "REALLOC_IN_SLOT") + ")");
            }
            if (sameSlot && newSize > States.beyond(m.design()) && newSize > old.size()) {
                m.reach(States.REALLOC_IN_SLOT); // observed: grown, and the address kept beyond the table
            }
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            List<Action<Allocator, AllocatorModel>> out = new ArrayList<>();
            for (long s : Sizes.simpler(newSize)) {
                out.add(new Realloc(label, s));
            }
            return out;
        }

        @Override
        public String toString() {
            return Encoded.format("realloc", label, newSize);
        }
    }
}
