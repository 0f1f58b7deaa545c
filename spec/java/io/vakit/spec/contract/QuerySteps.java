package io.vakit.spec.contract;

import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spi.Allocator;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.Feature;
import io.vakit.spi.Placement;
import io.vakit.spi.SizeClassTable;
import java.util.List;
import java.util.Optional;

/** The queries: usable size, and owner lookup of live and freed addresses. */
final class QuerySteps {
    private QuerySteps() {}

    static List<ActionType<Allocator, AllocatorModel>> types() {
        return List.of(
                Step.type("usable", m -> m.liveCount() > 0 && m.design().has(Feature.USABLE_SIZE) ? 4 : 0,
                        (r, m, l) -> new Usable(Step.pick(r, m.liveLabels())), e -> new Usable(e.label())),
                Step.type("owner", m -> m.liveCount() > 0 && m.design().has(Feature.OWNER_LOOKUP) ? 5 : 0,
                        (r, m, l) -> new Owner(Step.pick(r, m.liveLabels()), r.nextLong(Sizes.OFFSET_BOUND)),
                        e -> new Owner(e.label(), e.arg(0))),
                Step.type("ownerFreed", m -> m.design().has(Feature.OWNER_LOOKUP) && m.staleLabels().length > 0
                        ? 3 : 0, (r, m, l) -> new OwnerFreed(Step.pick(r, m.staleLabels())),
                        e -> new OwnerFreed(e.label())),
                Step.type("placement", m -> m.liveCount() > 0 && m.design().has(Feature.PLACEMENT) ? 5 : 0,
                        (r, m, l) -> new PlacementOf(Step.pick(r, m.liveLabels()), r.nextLong(Sizes.OFFSET_BOUND)),
                        e -> new PlacementOf(e.label(), e.arg(0))),
                Step.type("notOwned", m -> !m.closed() && m.design().has(Feature.CONTAINMENT) ? 2 : 0,
                        (r, m, l) -> new NotOwned(r.nextInt(NotOwned.KINDS)), e -> new NotOwned((int) e.arg(0))));
    }

    /**
     * {@code notOwned(kind)}: containment says no where it must: for the JVM's own memory (0), for a range that
     * starts in a live block but runs far past any reservation (1), and for address 0 (2).
     */
    record NotOwned(int kind) implements Step {
        static final int KINDS = 3;

        @Override
        public boolean applicable(AllocatorModel m) {
            return !m.closed() && m.design().has(Feature.CONTAINMENT);
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            long address;
            long length;
            switch (Math.floorMod(kind, KINDS)) {
                case 0 -> {
                    address = MisuseSteps.FOREIGN.address() + 64;
                    length = 16;
                }
                case 1 -> {
                    address = m.liveCount() > 0 ? m.live(m.liveLabels()[0]).orElseThrow().address()
                            : MisuseSteps.FOREIGN.address();
                    length = 1L << 60;
                }
                default -> {
                    address = 0;
                    length = 16;
                }
            }
            m.hit(Rule.C1_CONTAINMENT);
            if (a.owns(address, length)) {
                throw m.violation(Rule.C1_CONTAINMENT, toString() + ": owns(" + AllocatorModel.hex(address) + ", "
                        + length + ") is true, but the allocator cannot have reserved that range");
            }
        }

        @Override
        public List<io.vakit.spec.engine.Action<Allocator, AllocatorModel>> simplifications() {
            return kind == 0 ? List.of() : List.of(new NotOwned(0));
        }

        @Override
        public String toString() {
            return Encoded.format("notOwned", -1, kind);
        }
    }

    /** {@code usable#L()}: the usable size is at least the size, and the class size where there are classes. */
    record Usable(int label) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.live(label).isPresent() && m.design().has(Feature.USABLE_SIZE);
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            AllocatorModel.Block b = m.live(label).orElseThrow();
            m.hit(Rule.C9_USABLE_SIZE);
            long usable = a.usableSize(BlockSteps.segment(b));
            if (usable < b.size()) {
                throw m.violation(Rule.C9_USABLE_SIZE, toString() + ": usable size " + usable + " of block #"
                        + label + " is below its size " + b.size());
            }
            SizeClassTable table = m.design().sizeClasses();
            int served = m.servedClass(b);
            if (m.design().has(Feature.SIZE_CLASSES) && served < table.count()) {
                m.hit(Rule.C4_SIZE_CLASS);
                long expected = table.size(served);
                if (usable != expected) {
                    throw m.violation(Rule.C4_SIZE_CLASS, toString() + ": usable size " + usable + " of block #"
                            + label + " (" + b.size() + " bytes) is not the size " + expected + " of the class it was"
                            + " served from");
                }
            }
        }

        @Override
        public String toString() {
            return Encoded.format("usable", label);
        }
    }

    /** {@code owner#L(offset)}: an address inside a live block maps to that block. */
    record Owner(int label, long offset) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.live(label).isPresent() && m.design().has(Feature.OWNER_LOOKUP);
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            AllocatorModel.Block b = m.live(label).orElseThrow();
            long address = b.address() + offset % b.size();
            m.hit(Rule.C10_OWNER);
            Optional<BlockInfo> info = a.owner(address);
            SizeClassTable table = m.design().sizeClasses();
            int served = m.servedClass(b);
            int expectedClass = table == null || served >= table.count() ? -1 : served;
            if (info.isEmpty() || info.get().start() != b.address() || info.get().usableSize() < b.size()
                    || table != null && info.get().sizeClass() != expectedClass) {
                throw m.violation(Rule.C10_OWNER, toString() + ": owner(" + AllocatorModel.hex(address) + ") = "
                        + info + "; block #" + label + " starts at " + AllocatorModel.hex(b.address()) + ", holds "
                        + b.size() + " bytes, class " + expectedClass);
            }
        }

        @Override
        public List<io.vakit.spec.engine.Action<Allocator, AllocatorModel>> simplifications() {
            return Sizes.smallerOffsets(offset).stream().<io.vakit.spec.engine.Action<Allocator, AllocatorModel>>map(
                    o -> new Owner(label, o)).toList();
        }

        @Override
        public String toString() {
            return Encoded.format("owner", label, offset);
        }
    }

    /**
     * {@code ownerFreed#L()}: the start of a freed block that no live block covers has no owner. Covers means within
     * its usable extent: an aligned block may rightly be served whole around an address it was never asked for.
     */
    record OwnerFreed(int label) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.design().has(Feature.OWNER_LOOKUP) && !m.closed()
                    && m.freed(label).filter(b -> m.covering(b.address()).isEmpty()).isPresent();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            long address = m.freed(label).orElseThrow().address();
            m.hit(Rule.C10_OWNER);
            Optional<BlockInfo> info = a.owner(address);
            if (info.isPresent()) {
                throw m.violation(Rule.C10_OWNER, toString() + ": owner(" + AllocatorModel.hex(address) + ") = "
                        + info.get() + ", but block #" + label + " was freed and no live block's usable extent covers"
                        + " it");
            }
        }

        @Override
        public String toString() {
            return Encoded.format("ownerFreed", label);
        }
    }

    /**
     * {@code placement#L(offset)}: any address of a live block reports the same placement, whose innermost level is
     * the block's slot and whose levels nest (L1); with a followed design, it obeys that design's law (L2).
     */
    record PlacementOf(int label, long offset) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.live(label).isPresent() && m.design().has(Feature.PLACEMENT);
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            AllocatorModel.Block b = m.live(label).orElseThrow();
            m.hit(Rule.L1_PLACEMENT);
            long address = b.address() + offset % b.size();
            Optional<Placement> at = a.placement(address);
            Optional<Placement> start = address == b.address() ? at : a.placement(b.address());
            String where = toString() + ": placement(" + AllocatorModel.hex(address) + ") = " + at.orElse(null);
            if (at.isEmpty() || !at.equals(start)) {
                throw m.violation(Rule.L1_PLACEMENT, where + ", but placement of its start "
                        + AllocatorModel.hex(b.address()) + " is " + start.orElse(null));
            }
            m.checkPlacement(where, label, b.address(), b.size(), 0, at.get()); // the asked alignment: not kept
        }

        @Override
        public List<io.vakit.spec.engine.Action<Allocator, AllocatorModel>> simplifications() {
            return Sizes.smallerOffsets(offset).stream().<io.vakit.spec.engine.Action<Allocator, AllocatorModel>>map(
                    o -> new PlacementOf(label, o)).toList();
        }

        @Override
        public String toString() {
            return Encoded.format("placement", label, offset);
        }
    }
}
