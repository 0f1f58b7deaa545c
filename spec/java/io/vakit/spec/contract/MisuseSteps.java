package io.vakit.spec.contract;

import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spi.Allocator;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.Feature;
import io.vakit.spi.InvalidAlignmentException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.InvalidSizeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Bad input: invalid, double, foreign and wrong-size frees, bad sizes and alignments, use after close. */
final class MisuseSteps {
    /** Memory no allocator under test owns: the JVM's own, allocated once. */
    static final MemorySegment FOREIGN = Arena.global().allocate(8192, 4096);

    private MisuseSteps() {}

    static List<ActionType<Allocator, AllocatorModel>> types() {
        return List.of(
                Step.type("freeInterior", m -> detects(m) && m.liveCount() > 0 ? 3 : 0,
                        (r, m, l) -> new FreeInterior(Step.pick(r, m.liveLabels()), r.nextLong(Sizes.OFFSET_BOUND), false),
                        e -> new FreeInterior(e.label(), e.arg(0), false)),
                Step.type("reallocInterior", m -> reallocDetects(m) && m.liveCount() > 0 ? 1 : 0,
                        (r, m, l) -> new FreeInterior(Step.pick(r, m.liveLabels()), r.nextLong(Sizes.OFFSET_BOUND), true),
                        e -> new FreeInterior(e.label(), e.arg(0), true)),
                Step.type("freeTwice", m -> !detects(m) || m.staleLabels().length == 0 ? 0
                        : m.remoteDoubleAim() >= 0 ? 40 : 3,
                        (r, m, l) -> new FreeTwice(pickStale(r, m), false),
                        e -> new FreeTwice(e.label(), false)),
                Step.type("reallocFreed", m -> reallocDetects(m) && m.staleLabels().length > 0 ? 1 : 0,
                        (r, m, l) -> new FreeTwice(Step.pick(r, m.staleLabels()), true),
                        e -> new FreeTwice(e.label(), true)),
                Step.type("freeTail", m -> detects(m) && m.design().has(Feature.PLACEMENT)
                        && m.tailLabels().length > 0 ? 2 : 0,
                        (r, m, l) -> new FreeTail(Step.pick(r, m.tailLabels())), e -> new FreeTail(e.label())),
                Step.type("freeEdge", m -> detects(m) && m.design().has(Feature.FOOTPRINT) ? 2 : 0,
                        (r, m, l) -> new FreeEdge(r.nextInt(16), r.nextInt(2)),
                        e -> new FreeEdge((int) e.arg(0), (int) e.arg(1))),
                Step.type("freeForeign", m -> detects(m) ? 2 : 0,
                        (r, m, l) -> new FreeForeign(r.nextLong(4096), false), e -> new FreeForeign(e.arg(0), false)),
                Step.type("reallocForeign", m -> reallocDetects(m) ? 1 : 0,
                        (r, m, l) -> new FreeForeign(r.nextLong(4096), true), e -> new FreeForeign(e.arg(0), true)),
                Step.type("freeWrongSize", m -> !m.closed() && m.liveCount() > 0
                        && m.design().has(Feature.SIZED_FREE_CHECK) ? 3 : 0,
                        (r, m, l) -> new FreeWrongSize(Step.pick(r, m.liveLabels()), Sizes.edge(r, m, Sizes.COPY_MAX)),
                        e -> new FreeWrongSize(e.label(), e.arg(0))),
                Step.type("badSize", m -> 2, (r, m, l) -> new BadSize(r.nextInt(4)), e -> new BadSize((int) e.arg(0))),
                Step.type("callocOverflow", m -> m.closed() ? 0 : 1, (r, m, l) -> new CallocOverflow(r.nextInt(5)),
                        e -> new CallocOverflow((int) e.arg(0))),
                Step.type("badAlignment", m -> 2, (r, m, l) -> new BadAlignment(r.nextInt(4)),
                        e -> new BadAlignment((int) e.arg(0))),
                Step.type("reallocBadSize", m -> !m.closed() && m.liveCount() > 0
                        && m.design().has(Feature.REALLOC) ? 1 : 0,
                        (r, m, l) -> new ReallocBadSize(Step.pick(r, m.liveLabels()), r.nextInt(3)),
                        e -> new ReallocBadSize(e.label(), (int) e.arg(0))),
                Step.type("close", m -> 0, (r, m, l) -> new Close(), e -> new Close()),
                Step.type("afterClose", m -> 0, (r, m, l) -> new AfterClose(), e -> new AfterClose()));
    }

    /** The actions every generated chain ends with: close, then every operation refused. */
    static List<io.vakit.spec.engine.Action<Allocator, AllocatorModel>> finish(AllocatorModel m) {
        return m.closed() ? List.of() : List.of(new Close(), new AfterClose());
    }

    /**
     * A freed label to free again: the one the other thread has just freed while {@link States#DOUBLE_OF_REMOTE} is
     * aimed at ({@link AllocatorModel#remoteDoubleAim}); else, with EXACT_REASONS, half the time one whose container
     * has held a live block ever since (where DOUBLE is the only right answer), while there is one.
     */
    private static int pickStale(java.util.random.RandomGenerator r, AllocatorModel m) {
        int aim = m.remoteDoubleAim();
        if (aim >= 0) {
            return aim;
        }
        int[] stale = m.staleLabels();
        if (m.design().has(Feature.EXACT_REASONS) && r.nextBoolean()) {
            int[] held = java.util.Arrays.stream(stale).filter(m::freedInHeldContainer).toArray();
            if (held.length > 0) {
                return Step.pick(r, held);
            }
        }
        return Step.pick(r, stale);
    }

    private static boolean detects(AllocatorModel m) {
        return !m.closed() && m.design().has(Feature.INVALID_FREE_DETECTION);
    }

    /**
     * The reasons a refusal may give: {@code exact} alone when the design declares EXACT_REASONS and the case is one
     * where it holds the memory, else {@code exact} or UNKNOWN.
     */
    private static Set<Reason> reasons(AllocatorModel m, Reason exact, boolean held) {
        return held && m.design().has(Feature.EXACT_REASONS) ? EnumSet.of(exact) : EnumSet.of(exact, Reason.UNKNOWN);
    }

    private static boolean reallocDetects(AllocatorModel m) {
        return detects(m) && m.design().has(Feature.REALLOC);
    }

    /** Frees (or reallocates, a free and an allocation) {@code s}, which must be refused for one of {@code reasons}. */
    static void expectInvalidFree(Allocator a, AllocatorModel m, Rule rule, String op, MemorySegment s,
            Set<Reason> reasons, boolean realloc) {
        InvalidFreeException e = m.expectRefusal(a, rule, op, InvalidFreeException.class, realloc
                ? () -> a.reallocate(s, 64) : () -> a.free(s), AllocatorModel.hex(s.address()));
        if (!reasons.contains(e.reason())) {
            throw m.violation(rule, op + " was refused as " + e.reason() + "; expected one of " + reasons);
        }
    }

    /**
     * {@code freeInterior#L(offset)} / {@code reallocInterior#L(offset)}: free (or reallocate) an address inside a
     * live block, past its start.
     */
    record FreeInterior(int label, long offset, boolean realloc) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return (realloc ? reallocDetects(m) : detects(m)) && m.live(label).filter(b -> b.size() > 1).isPresent();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            AllocatorModel.Block b = m.live(label).orElseThrow();
            long at = b.address() + 1 + offset % (b.size() - 1);
            expectInvalidFree(a, m, Rule.M1_INVALID_FREE, toString(),
                    MemorySegment.ofAddress(at).reinterpret(b.address() + b.size() - at),
                    reasons(m, Reason.INTERIOR, true), realloc);
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            return Sizes.smallerOffsets(offset).stream().<Action<Allocator, AllocatorModel>>map(
                    o -> new FreeInterior(label, o, realloc)).toList();
        }

        @Override
        public String toString() {
            return Encoded.format(realloc ? "reallocInterior" : "freeInterior", label, offset);
        }
    }

    /**
     * {@code freeTwice#L()} / {@code reallocFreed#L()}: free (or reallocate) a block again, while no live block
     * covers its address, its usable slack included (an address inside another block's slack may rightly be refused as
     * INTERIOR).
     */
    record FreeTwice(int label, boolean realloc) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return (realloc ? reallocDetects(m) : detects(m))
                    && m.freed(label).filter(b -> m.covering(b.address()).isEmpty()).isPresent();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            boolean held = m.freedInHeldContainer(label);
            Set<Reason> allowed = reasons(m, Reason.DOUBLE, held);
            if (!held && m.freesSince(label) >= AllocatorModel.FREED_HORIZON) {
                allowed.add(Reason.FOREIGN); // past what a design must remember of memory it gave back
            }
            expectInvalidFree(a, m, Rule.M2_DOUBLE_FREE, toString(), BlockSteps.segment(m.freed(label).orElseThrow()),
                    allowed, realloc);
            if (held) {
                m.reach(States.DOUBLE_IN_HELD); // observed: refused while its container held a live block throughout
                if (!realloc && m.justFreedElsewhere(label)) {
                    m.reach(States.DOUBLE_OF_REMOTE); // observed: and the other thread freed it in the last action
                }
            }
        }

        @Override
        public String toString() {
            return Encoded.format(realloc ? "reallocFreed" : "freeTwice", label);
        }
    }

    /**
     * {@code freeTail#L()}: free the first address of the unused tail of live block L's container (past its last
     * slot, short of its end), where no slot starts and no block lies. It is refused by M1 as UNKNOWN, or as DOUBLE
     * (a block of another slot size may have started there before); with OWNER_LOOKUP, the owner there is empty (C10).
     * An index computed from the address and not bounded by the capacity (or clamped to the last slot) errs here.
     */
    record FreeTail(int label) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return detects(m) && m.design().has(Feature.PLACEMENT) && m.live(label).isPresent() && m.tail(label) >= 0;
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            probe(a, m, toString(), label);
        }

        /** The check, also made by a burst at its peak: live block {@code label}'s container has a tail. */
        static void probe(Allocator a, AllocatorModel m, String op, int label) {
            long at = m.tail(label);
            expectInvalidFree(a, m, Rule.M1_INVALID_FREE, op, MemorySegment.ofAddress(at).reinterpret(1),
                    EnumSet.of(Reason.UNKNOWN, Reason.DOUBLE), false);
            if (m.design().has(Feature.OWNER_LOOKUP)) {
                m.hit(Rule.C10_OWNER);
                Optional<BlockInfo> owner = a.owner(at);
                if (owner.isPresent()) {
                    throw m.violation(Rule.C10_OWNER, op + ": owner(" + AllocatorModel.hex(at) + ") = " + owner.get()
                            + ", but no live block covers that address (the unused tail of a container)");
                }
            }
            m.reach(States.TAIL_REFUSED); // observed: refused at a tail the placements showed
        }

        @Override
        public String toString() {
            return Encoded.format("freeTail", label);
        }
    }

    /**
     * {@code freeEdge(range, side)}: a free at the edge of a range the allocator reports reserved: the first address
     * past its end (side 0) or the last one before its start (side 1), where no live block is. An off-by-one in a
     * bounds test (an offset compared with {@code >} where {@code >=} is meant) lets the first address past a
     * reservation through to arithmetic that indexes one past its tables; it must be refused like any address that is
     * not a live block's start, and the owner there must be empty.
     */
    record FreeEdge(int range, int side) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return detects(m) && m.design().has(Feature.FOOTPRINT);
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            List<io.vakit.spi.AddressRange> ranges = a.reservedRanges();
            if (ranges.isEmpty()) {
                return;
            }
            io.vakit.spi.AddressRange r = ranges.get(Math.floorMod(range, ranges.size()));
            long at = side == 0 ? r.end() : r.start() - 1;
            if (at <= 0 || m.covering(at).isPresent()) {
                return; // a live block is there: its own checks judge it
            }
            String where = AllocatorModel.hex(at);
            expectInvalidFree(a, m, Rule.M1_INVALID_FREE, toString() + " at " + where,
                    MemorySegment.ofAddress(at).reinterpret(1), EnumSet.allOf(Reason.class), false);
            if (m.design().has(Feature.OWNER_LOOKUP)) {
                m.hit(Rule.C10_OWNER);
                Optional<BlockInfo> owner = a.owner(at);
                if (owner.isPresent()) {
                    throw m.violation(Rule.C10_OWNER, toString() + ": owner(" + where + ") = " + owner.get()
                            + ", but no live block covers that address (just " + (side == 0 ? "past" : "before")
                            + " the reserved range " + hex(r) + ")");
                }
            }
            m.reach(States.EDGE_REFUSED); // observed: refused at a reserved range's edge
        }

        private static String hex(io.vakit.spi.AddressRange r) {
            return AllocatorModel.hex(r.start()) + "+" + r.bytes();
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            return range == 0 ? List.of() : List.of(new FreeEdge(0, side));
        }

        @Override
        public String toString() {
            return Encoded.format("freeEdge", -1, range, side);
        }
    }

    /** {@code freeForeign(offset)} / {@code reallocForeign(offset)}: memory this allocator never handed out. */
    record FreeForeign(long offset, boolean realloc) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return realloc ? reallocDetects(m) : detects(m);
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            expectInvalidFree(a, m, Rule.M3_FOREIGN_FREE, toString(), m.memory().foreign().asSlice(offset % 4096, 16),
                    reasons(m, Reason.FOREIGN, true), realloc);
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            return offset == 0 ? List.of() : List.of(new FreeForeign(0, realloc));
        }

        @Override
        public String toString() {
            return Encoded.format(realloc ? "reallocForeign" : "freeForeign", -1, offset);
        }
    }

    /** {@code freeWrongSize#L(size)}: a sized free whose size maps to another class ({@link Sizes#freeClass}). */
    record FreeWrongSize(int label, long wrongSize) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed() && m.design().has(Feature.SIZED_FREE_CHECK) && m.live(label).filter(b -> b.family() == 0
                    && Sizes.freeClass(m.design(), b.size()) != Sizes.freeClass(m.design(), wrongSize)).isPresent();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            AllocatorModel.Block b = m.live(label).orElseThrow();
            expectInvalidFree(a, m, Rule.M4_WRONG_SIZE, toString(),
                    MemorySegment.ofAddress(b.address()).reinterpret(wrongSize), EnumSet.of(Reason.WRONG_SIZE), false);
        }

        @Override
        public String toString() {
            return Encoded.format("freeWrongSize", label, wrongSize);
        }
    }

    /** {@code badSize(kind)}: allocate 0, -1, max + 1 or Long.MAX_VALUE bytes. */
    record BadSize(int kind) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed();
        }

        static long size(AllocatorModel m, int kind) {
            return switch (Math.floorMod(kind, 4)) {
                case 0 -> 0;
                case 1 -> -1;
                case 2 -> m.design().maxBlockSize() + 1;
                default -> Long.MAX_VALUE;
            };
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            long size = size(m, kind);
            m.expectRefusal(a, Rule.M5_BAD_SIZE, toString(), InvalidSizeException.class, () -> a.allocate(size, 1),
                    String.valueOf(size));
        }

        @Override
        public String toString() {
            return Encoded.format("badSize", -1, kind);
        }
    }

    /**
     * {@code callocOverflow(kind)}: {@code calloc(count, size)} whose product overflows 64 bits (to a large value, to
     * a negative one, to 0) or has a factor below 1: refused with InvalidSizeException, nothing allocated.
     */
    record CallocOverflow(int kind) implements Step {
        static final long[][] CASES = {{(1L << 32) + 1, 1L << 32}, {(Long.MAX_VALUE >> 1) + 1, 2}, {1L << 62, 4},
            {0, 16}, {16, 0}};

        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            long[] c = CASES[Math.floorMod(kind, CASES.length)];
            m.expectRefusal(a, Rule.M5_BAD_SIZE, toString() + ": allocateZeroed(" + c[0] + ", " + c[1] + ")",
                    InvalidSizeException.class, () -> a.allocateZeroed(c[0], c[1]), String.valueOf(c[0]));
        }

        @Override
        public String toString() {
            return Encoded.format("callocOverflow", -1, kind);
        }
    }

    /** {@code badAlignment(kind)}: allocate with alignment 0, 3, -16 or twice the maximum. */
    record BadAlignment(int kind) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            long max = m.design().maxAlignment();
            long alignment = switch (Math.floorMod(kind, 4)) {
                case 0 -> 0;
                case 1 -> 3;
                case 2 -> -16;
                default -> max < (1L << 62) ? max * 2 : 3;
            };
            m.expectRefusal(a, Rule.M6_BAD_ALIGNMENT, toString(), InvalidAlignmentException.class,
                    () -> a.allocate(16, alignment), String.valueOf(alignment));
        }

        @Override
        public String toString() {
            return Encoded.format("badAlignment", -1, kind);
        }
    }

    /**
     * {@code reallocBadSize#L(kind)}: reallocate a live block to each of 0, -1 and max + 1 bytes, starting with
     * {@code kind}; each is refused, and the block stays intact. All three in one action: a size check missing from
     * a reallocation often shows at one of them only (the copy's own allocation refuses the others).
     */
    record ReallocBadSize(int label, int kind) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed() && m.design().has(Feature.REALLOC) && m.live(label).isPresent();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            MemorySegment block = BlockSteps.segment(m.live(label).orElseThrow());
            for (int i = 0; i < 3; i++) {
                long size = BadSize.size(m, Math.floorMod(kind + i, 3));
                m.expectRefusal(a, Rule.M5_BAD_SIZE, toString() + " to " + size, InvalidSizeException.class,
                        () -> a.reallocate(block, size), String.valueOf(size));
            }
        }

        @Override
        public String toString() {
            return Encoded.format("reallocBadSize", label, kind);
        }
    }

    /** {@code close()}: close the allocator; every block is gone. */
    record Close() implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            m.checkContents(Rule.C5_CONTENTS, "the chain, before close");
            List<io.vakit.spi.AddressRange> ranges = m.checkKernelFootprint(a, toString());
            a.close();
            m.close();
            m.checkReleased(ranges, toString());
        }

        @Override
        public String toString() {
            return Encoded.format("close", -1);
        }
    }

    /**
     * {@code afterClose()}: after close, every operation is refused with a message that names the design, the
     * operation and its address or size, and close again is a no-op.
     */
    record AfterClose() implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.closed();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            MemorySegment some = FOREIGN.asSlice(0, 16);
            long at = some.address();
            var d = m.design();
            String where = AllocatorModel.hex(at);
            refused(a, m, "stats()", a::stats, "stats");
            refused(a, m, "allocate(16, 1)", () -> a.allocate(16, 1), "allocate", "16");
            refused(a, m, "allocateZeroed(16)", () -> a.allocateZeroed(16), "allocate", "16");
            refused(a, m, "free(" + where + ")", () -> a.free(some), "free", where);
            if (d.has(Feature.REALLOC)) {
                refused(a, m, "reallocate(" + where + ", 32)", () -> a.reallocate(some, 32), "realloc", where);
            }
            if (d.has(Feature.USABLE_SIZE)) {
                refused(a, m, "usableSize(" + where + ")", () -> a.usableSize(some), "usableSize", where);
            }
            if (d.has(Feature.OWNER_LOOKUP)) {
                refused(a, m, "owner(" + where + ")", () -> a.owner(at), "owner", where);
            }
            if (d.has(Feature.PLACEMENT)) {
                refused(a, m, "placement(" + where + ")", () -> a.placement(at), "placement", where);
            }
            if (d.has(Feature.CONTAINMENT)) {
                refused(a, m, "owns(" + where + ", 16)", () -> a.owns(at, 16), "owns", where);
            }
            if (d.has(Feature.FOOTPRINT)) {
                refused(a, m, "reservedRanges()", a::reservedRanges, "reservedRanges");
            }
            if (d.has(Feature.IDLE_BOUND)) {
                refused(a, m, "idleCommittedBound()", a::idleCommittedBound, "idleCommittedBound");
            }
            if (d.has(Feature.FAMILIES) && a instanceof io.vakit.spi.FamilyAllocator f) {
                refused(a, m, "allocateIn(0, 16)", () -> f.allocateIn(0, 16), "allocate", "16");
                refused(a, m, "freeIn(0, " + where + ")", () -> f.freeIn(0, some), "free", where);
                refused(a, m, "reallocateIn(0, " + where + ", 32)", () -> f.reallocateIn(0, some, 32), "realloc",
                        where);
            }
            m.hit(Rule.M7_USE_AFTER_CLOSE);
            try {
                a.close();
            } catch (RuntimeException e) {
                throw new io.vakit.spec.engine.Violation(Rule.M7_USE_AFTER_CLOSE.label(),
                        "close() a second time threw " + e + "; close is idempotent", e);
            }
        }

        /** The call is refused as closed, and its message names the design and each of {@code mentions}. */
        private static void refused(Allocator a, AllocatorModel m, String op, Runnable call, String... mentions) {
            m.expectRefusal(a, Rule.M7_USE_AFTER_CLOSE, "after close: " + op, AllocatorClosedException.class, call,
                    mentions);
        }

        @Override
        public String toString() {
            return Encoded.format("afterClose", -1);
        }
    }
}
