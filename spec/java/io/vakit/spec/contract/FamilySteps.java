package io.vakit.spec.contract;

import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spi.Allocator;
import io.vakit.spi.FamilyAllocator;
import io.vakit.spi.Feature;
import io.vakit.spi.InvalidFamilyException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;

/**
 * The operations of a {@link FamilyAllocator} ({@link Feature#FAMILIES}): allocation in a family (its blocks are then
 * freed and reallocated in it by the ordinary actions), a free in the wrong family, and a family out of range.
 * Families are given as any int and taken modulo the allocator's count, so a chain replays on any implementation.
 */
final class FamilySteps {
    /** A family block reached in a family other than 0. */
    static final String OTHER_FAMILY = "allocated in a family other than 0";

    private FamilySteps() {}

    static List<ActionType<Allocator, AllocatorModel>> types() {
        return List.of(
                Step.type("allocIn", m -> families(m) ? 8 : 0,
                        (r, m, l) -> new AllocIn(l, r.nextInt(8), Sizes.size(r, m)),
                        e -> new AllocIn(e.label(), (int) e.arg(0), e.arg(1))),
                Step.type("freeWrongFamily", m -> families(m) && m.liveCount() > 0 ? 2 : 0,
                        (r, m, l) -> new FreeWrongFamily(Step.pick(r, m.liveLabels()), r.nextInt(8)),
                        e -> new FreeWrongFamily(e.label(), (int) e.arg(0))),
                Step.type("badFamily", m -> families(m) ? 2 : 0, (r, m, l) -> new BadFamily(r.nextInt(BadFamily.KINDS)),
                        e -> new BadFamily((int) e.arg(0))));
    }

    private static boolean families(AllocatorModel m) {
        return !m.closed() && m.design().has(Feature.FAMILIES);
    }

    static FamilyAllocator families(Allocator a, AllocatorModel m) {
        if (!(a instanceof FamilyAllocator f)) {
            throw m.violation(Rule.M8_WRONG_FAMILY, "design '" + m.design().id() + "' declares FAMILIES but "
                    + a.getClass().getName() + " is not a FamilyAllocator");
        }
        return f;
    }

    /** {@code allocIn#L(family, size)}: allocate in a family; the block is freed in it later. */
    record AllocIn(int label, int family, long size) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return families(m) && m.live(label).isEmpty() && m.freed(label).isEmpty();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            FamilyAllocator f = families(a, m);
            int family = Math.floorMod(family(), f.families());
            MemorySegment block = BlockSteps.attempt(a, m, toString(), size, () -> f.allocateIn(family, size));
            if (block == null) {
                return;
            }
            m.admit(a, toString(), label, block, size, 1);
            m.family(label, family);
            if (family != 0) {
                m.reach(OTHER_FAMILY);
            }
        }

        @Override
        public List<io.vakit.spec.engine.Action<Allocator, AllocatorModel>> simplifications() {
            return size <= 1 ? List.of() : List.of(new AllocIn(label, family, 1));
        }

        @Override
        public String toString() {
            return Encoded.format("allocIn", label, family, size);
        }
    }

    /** {@code freeWrongFamily#L(k)}: free a live block in a family that is not its own: refused. */
    record FreeWrongFamily(int label, int k) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return families(m) && m.live(label).isPresent();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            FamilyAllocator f = families(a, m);
            if (f.families() < 2) {
                return;
            }
            AllocatorModel.Block b = m.live(label).orElseThrow();
            int other = (b.family() + 1 + Math.floorMod(k, f.families() - 1)) % f.families();
            InvalidFreeException e = m.expectRefusal(a, Rule.M8_WRONG_FAMILY, toString() + " in family " + other,
                    InvalidFreeException.class, () -> f.freeIn(other, BlockSteps.segment(b)),
                    AllocatorModel.hex(b.address()));
            if (!EnumSet.of(Reason.UNKNOWN, Reason.WRONG_SIZE).contains(e.reason())) {
                throw m.violation(Rule.M8_WRONG_FAMILY, toString() + " was refused as " + e.reason()
                        + "; expected UNKNOWN or WRONG_SIZE (a block of another family)");
            }
        }

        @Override
        public String toString() {
            return Encoded.format("freeWrongFamily", label, k);
        }
    }

    /**
     * {@code badFamily(kind)}: a family out of range, to allocate (0: family -1, 1: the first past the last), to free
     * (2) or to reallocate (3): refused with InvalidFamilyException; or a bad size in a good family (4: 0 bytes, 5:
     * above the maximum): refused with InvalidSizeException (M5).
     */
    record BadFamily(int kind) implements Step {
        static final int KINDS = 6;

        @Override
        public boolean applicable(AllocatorModel m) {
            return families(m);
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            FamilyAllocator f = families(a, m);
            MemorySegment some = MisuseSteps.FOREIGN.asSlice(0, 16);
            int k = Math.floorMod(kind, KINDS);
            int family = k == 0 || k == 3 ? -1 : f.families();
            switch (k) {
                case 0, 1 -> m.expectRefusal(a, Rule.M8_WRONG_FAMILY, toString() + " in family " + family,
                        InvalidFamilyException.class, () -> f.allocateIn(family, 16), String.valueOf(family));
                case 2 -> m.expectRefusal(a, Rule.M8_WRONG_FAMILY, toString() + ": freeIn(" + family + ")",
                        InvalidFamilyException.class, () -> f.freeIn(family, some), String.valueOf(family));
                case 3 -> m.expectRefusal(a, Rule.M8_WRONG_FAMILY, toString() + ": reallocateIn(" + family + ")",
                        InvalidFamilyException.class, () -> f.reallocateIn(family, some, 32), String.valueOf(family));
                default -> {
                    long size = k == 4 ? 0 : m.design().maxBlockSize() + 1;
                    m.expectRefusal(a, Rule.M5_BAD_SIZE, toString() + ": allocateIn(0, " + size + ")",
                            io.vakit.spi.InvalidSizeException.class, () -> f.allocateIn(0, size), String.valueOf(size));
                }
            }
        }

        @Override
        public String toString() {
            return Encoded.format("badFamily", -1, kind);
        }
    }
}
