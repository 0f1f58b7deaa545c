package io.vakit.spec.contract;

import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spec.engine.Violation;
import io.vakit.spi.AddressRange;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.FamilyAllocator;
import io.vakit.spi.Feature;
import io.vakit.spi.InjectedFault;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Rule C13: a commit or a map the kit makes fail, through {@link Allocator#injectFault}, at a random point of a chain.
 * The call that meets the fault must be refused with AddressSpaceExhaustedException naming the design, leave the
 * stats, the reserved ranges and every live block as they were, and the same call must then succeed. A call that met
 * no fault (it asked the kernel for less than the fault waited for) is judged as any other.
 */
final class FaultSteps {
    private FaultSteps() {}

    static List<ActionType<Allocator, AllocatorModel>> types() {
        return List.of(Step.type("fault", m -> !m.closed() && m.design().has(Feature.FAULT_INJECTION) ? 3 : 0,
                (r, m, l) -> {
                    int kind = r.nextInt(2);
                    int skip = r.nextInt(100) < 60 ? 0 : r.nextInt(4);
                    int target = m.liveCount() > 0 && m.design().has(Feature.REALLOC) && r.nextInt(100) < 30
                            ? Step.pick(r, m.liveLabels()) : 0;
                    long size = target != 0 ? Sizes.copiedSize(r, m) : faultSize(r, m);
                    return new Fault(l, kind, skip, target, size);
                }, e -> new Fault(e.label(), (int) e.arg(0), (int) e.arg(1), (int) e.arg(2), e.arg(3))),
                Step.type("faultEach", m -> !m.closed() && m.design().has(Feature.FAULT_INJECTION) ? 2 : 0,
                        (r, m, l) -> new FaultEach(l, r.nextInt(2), faultSize(r, m)),
                        e -> new FaultEach(e.label(), (int) e.arg(0), e.arg(1))));
    }

    /** The most fault points of one allocation {@link FaultEach} makes fail in turn. */
    static final int FAULT_POINTS = 16;

    /**
     * {@code faultEach#L(kind, size)}: the allocation of block {@code L} ({@code size} bytes) with a fault of
     * {@code kind} (0 commit, 1 map) at its first request, then at its second, and so on: each attempt that meets the
     * fault must be refused as C13 says, the allocator as it was, so the next attempt takes the same path one request
     * further, until an attempt meets no fault (served: every request of the path failed once, each undone) or
     * {@link #FAULT_POINTS} were tried. A request whose failure a design does not undo (metadata taken before a
     * commit that failed, a container taken and not given back) is found wherever it sits on the path, not only at
     * the first request, where {@code fault} mostly aims.
     */
    record FaultEach(int label, int kind, long size) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed() && m.live(label).isEmpty() && m.freed(label).isEmpty() && kind >= 0 && kind < 2;
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            InjectedFault fault = InjectedFault.values()[kind];
            String op = toString();
            int refused = 0;
            for (int skip = 0; skip < FAULT_POINTS; skip++) {
                Attempt t = Attempt.make(a, m, op + " at fault point " + skip, fault, skip, () -> a.allocate(size));
                if (t.refusal() != null && !t.met()) { // an exhaustion of its own, judged by C12
                    m.exhausted(a, op, size, t.refusal(), m.mayExhaust(size) ? t.before() : null);
                    return;
                }
                if (t.refusal() != null) {
                    judgeRefusal(a, m, op + " at fault point " + skip, fault, t.refusal(), t.before(), t.ranges());
                    refused++;
                    continue;
                }
                m.admit(a, op, label, t.got(), size, 1);
                if (!t.met() && refused > 0) {
                    m.reach(States.FAULTED_IN_TURN); // observed: refused at each point, then served with none met
                    m.reach(States.FAULT_RECOVERED);
                }
                return;
            }
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            List<Action<Allocator, AllocatorModel>> out = new ArrayList<>();
            for (long s : Sizes.simpler(size)) {
                out.add(new FaultEach(label, kind, s));
            }
            return out;
        }

        @Override
        public String toString() {
            return Encoded.format("faultEach", label, kind, size);
        }
    }

    /** A size that often needs new memory: a class edge, a block beyond the table, or a large one. */
    private static long faultSize(java.util.random.RandomGenerator r, AllocatorModel m) {
        long max = m.design().maxBlockSize();
        int roll = r.nextInt(100);
        if (roll < 50) {
            return Sizes.edge(r, m, Math.min(max, Sizes.COPY_MAX));
        }
        if (roll < 75 && States.beyond(m.design()) < max) {
            return States.beyond(m.design()) + 1;
        }
        return Sizes.logUniform(r, Math.min(max, 8L << 20));
    }

    /**
     * {@code fault#L(kind, skip, target, size)}: a fault of {@code kind} (0 commit, 1 map) after {@code skip} requests,
     * then block {@code L} allocated with {@code size} bytes, or live block {@code target} reallocated to it.
     */
    record Fault(int label, int kind, int skip, int target, long size) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed() && m.live(label).isEmpty() && m.freed(label).isEmpty()
                    && (target == 0 || m.live(target).filter(b -> b.size() <= Sizes.COPY_MAX).isPresent());
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            InjectedFault fault = InjectedFault.values()[kind];
            AllocatorModel.Block old = target == 0 ? null : m.live(target).orElseThrow();
            Supplier<MemorySegment> call = old == null ? () -> a.allocate(size) : old.family() != 0
                    ? () -> ((FamilyAllocator) a).reallocateIn(old.family(), BlockSteps.segment(old), size)
                    : () -> a.reallocate(BlockSteps.segment(old), size);
            Attempt t = Attempt.make(a, m, toString(), fault, skip, call);
            MemorySegment got = t.got();
            if (t.refusal() != null && !t.met()) { // no fault met: an exhaustion of its own, judged by C12
                m.exhausted(a, toString(), size, t.refusal(), m.mayExhaust(size) ? t.before() : null);
                return;
            }
            if (t.refusal() != null) {
                judgeRefusal(a, m, toString(), fault, t.refusal(), t.before(), t.ranges());
                got = retry(a, m, call);
                if (got == null) {
                    return;
                }
            }
            admit(a, m, old, got);
        }



        /** The same call again, with no fault: it must succeed (or be refused as C12 judges any exhaustion). */
        private MemorySegment retry(Allocator a, AllocatorModel m, Supplier<MemorySegment> call) {
            Stats before = a.stats();
            try {
                MemorySegment got = call.get();
                m.reach(States.FAULT_RECOVERED);
                return got;
            } catch (AddressSpaceExhaustedException e) {
                m.exhausted(a, toString() + " (after the injected fault)", size, e, before);
                return null;
            }
        }

        private void admit(Allocator a, AllocatorModel m, AllocatorModel.Block old, MemorySegment got) {
            if (old == null) {
                m.admit(a, toString(), label, got, size, 1);
                return;
            }
            long kept = Math.min(old.limit(), Math.min(old.size(), size));
            m.remove(target, false);
            // in place, the block keeps the unit its first request (perhaps aligned) got: its alignment is not known here
            AllocatorModel.Block now = m.admit(a, toString(), target, got, size, got.address() == old.address() ? 0 : 1);
            if (old.written() > 0 && kept > 0) {
                m.hit(Rule.C7_REALLOC_PREFIX);
                long at = Patterns.firstMismatch(m.memory(), got, target, old.written(), kept);
                if (at >= 0) {
                    throw m.violation(Rule.C7_REALLOC_PREFIX, toString() + " moved block #" + target + " but lost"
                            + " byte " + at + " of its " + kept + "-byte prefix");
                }
            }
            m.moved(old, now, kept);
        }

        @Override
        public List<Action<Allocator, AllocatorModel>> simplifications() {
            List<Action<Allocator, AllocatorModel>> out = new ArrayList<>();
            if (skip > 0) {
                out.add(new Fault(label, kind, 0, target, size));
            }
            if (target != 0) {
                out.add(new Fault(label, kind, skip, 0, size));
            }
            for (long s : Sizes.simpler(size)) {
                out.add(new Fault(label, kind, skip, target, s));
            }
            return out;
        }

        @Override
        public String toString() {
            return Encoded.format("fault", label, kind, skip, target, size);
        }
    }

    /**
     * One call made with a fault of one kind injected after {@code skip} requests, the fault cleared after it: what it
     * returned or the exhaustion it was refused with, whether it met the fault, and the stats and the reserved ranges
     * (with FOOTPRINT) before it. Any other exception from a call that met the fault fails C13.
     */
    record Attempt(MemorySegment got, AddressSpaceExhaustedException refusal, boolean met, Stats before,
            List<AddressRange> ranges) {
        static Attempt make(Allocator a, AllocatorModel m, String op, InjectedFault fault, int skip,
                Supplier<MemorySegment> call) {
            Stats before = a.stats();
            List<AddressRange> ranges = m.design().has(Feature.FOOTPRINT) ? a.reservedRanges() : null;
            long fired = a.faultsFired(fault);
            a.injectFault(fault, skip);
            try {
                MemorySegment got = call.get();
                return new Attempt(got, null, a.faultsFired(fault) > fired, before, ranges);
            } catch (AddressSpaceExhaustedException e) {
                return new Attempt(null, e, a.faultsFired(fault) > fired, before, ranges);
            } catch (RuntimeException e) {
                if (a.faultsFired(fault) > fired) {
                    throw new Violation(Rule.C13_FAULTS.label(), op + ": the injected " + fault + " fault made it"
                            + " throw " + e.getClass().getName() + " (" + e.getMessage() + "); expected "
                            + "AddressSpaceExhaustedException", e);
                }
                throw e;
            } finally {
                a.clearFaults();
            }
        }
    }

    /**
     * A call that met an injected fault was refused ({@code e}): the refusal names the design, and the stats, the
     * reserved ranges and every live block are as they were (C13).
     */
    static void judgeRefusal(Allocator a, AllocatorModel m, String op, InjectedFault fault,
            AddressSpaceExhaustedException e, Stats before, List<AddressRange> ranges) {
        m.hit(Rule.C13_FAULTS);
        m.operation();
        String message = String.valueOf(e.getMessage());
        if (!message.contains(m.design().id())) {
            throw new Violation(Rule.C13_FAULTS.label(), op + ": the refusal must name the design '"
                    + m.design().id() + "': " + message, e);
        }
        Stats after = a.stats();
        boolean footprintKept = !m.design().has(Feature.OWNER_REUSES_REMOTE_FREES); // see spec/contract.md#c13
        if (after.liveCount() != before.liveCount() || after.liveBytes() != before.liveBytes()
                || footprintKept && !after.equals(before)) {
            throw m.violation(Rule.C13_FAULTS, op + " was refused for the injected " + fault + " fault but"
                    + " changed the stats from " + before + " to " + after);
        }
        if (ranges != null && footprintKept && !new java.util.HashSet<>(ranges).equals(
                new java.util.HashSet<>(a.reservedRanges()))) { // the SPI promises no order
            throw m.violation(Rule.C13_FAULTS, op + " was refused for the injected " + fault + " fault but"
                    + " changed the reserved ranges from " + ranges + " to " + a.reservedRanges());
        }
        m.checkContents(Rule.C13_FAULTS, "the refused " + op);
        m.reach(States.faultRefused(fault.name()));
    }
}
