package io.vakit.spec.contract;

import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spi.Allocator;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.Feature;
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
                        (r, m, l) -> new Owner(Step.pick(r, m.liveLabels()), r.nextLong(1L << 20)),
                        e -> new Owner(e.label(), e.arg(0))),
                Step.type("ownerFreed", m -> m.design().has(Feature.OWNER_LOOKUP) && m.staleLabels().length > 0
                        ? 3 : 0, (r, m, l) -> new OwnerFreed(Step.pick(r, m.staleLabels())),
                        e -> new OwnerFreed(e.label())));
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
            if (m.design().has(Feature.SIZE_CLASSES) && table.classOf(b.size()) >= 0) {
                m.hit(Rule.C4_SIZE_CLASS);
                long expected = table.size(table.classOf(b.size()));
                if (usable != expected) {
                    throw m.violation(Rule.C4_SIZE_CLASS, toString() + ": usable size " + usable + " of block #"
                            + label + " (" + b.size() + " bytes) is not its class size " + expected);
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
            int expectedClass = table == null ? -1 : table.classOf(b.size());
            if (info.isEmpty() || info.get().start() != b.address() || info.get().usableSize() < b.size()
                    || table != null && info.get().sizeClass() != expectedClass) {
                throw m.violation(Rule.C10_OWNER, toString() + ": owner(" + AllocatorModel.hex(address) + ") = "
                        + info + "; block #" + label + " starts at " + AllocatorModel.hex(b.address()) + ", holds "
                        + b.size() + " bytes, class " + expectedClass);
            }
        }

        @Override
        public List<io.vakit.spec.engine.Action<Allocator, AllocatorModel>> simplifications() {
            return offset == 0 ? List.of() : List.of(new Owner(label, 0));
        }

        @Override
        public String toString() {
            return Encoded.format("owner", label, offset);
        }
    }

    /** {@code ownerFreed#L()}: the start of a freed block that no live block covers has no owner. */
    record OwnerFreed(int label) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.design().has(Feature.OWNER_LOOKUP) && !m.closed()
                    && m.freed(label).filter(b -> m.containing(b.address()).isEmpty()).isPresent();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            long address = m.freed(label).orElseThrow().address();
            m.hit(Rule.C10_OWNER);
            Optional<BlockInfo> info = a.owner(address);
            if (info.isPresent()) {
                throw m.violation(Rule.C10_OWNER, toString() + ": owner(" + AllocatorModel.hex(address) + ") = "
                        + info.get() + ", but block #" + label + " was freed and no live block covers it");
            }
        }

        @Override
        public String toString() {
            return Encoded.format("ownerFreed", label);
        }
    }
}
