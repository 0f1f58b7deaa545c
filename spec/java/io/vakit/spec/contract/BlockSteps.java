package io.vakit.spec.contract;

import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.Feature;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/** The actions of correct use: allocate, calloc, write a pattern, free, reallocate. */
final class BlockSteps {
    private BlockSteps() {}

    static List<ActionType<Allocator, AllocatorModel>> types() {
        return List.of(
                Step.type("alloc", m -> 30, (r, m, l) -> {
                    long size = Sizes.size(r, m.design());
                    return new Alloc(l, size, Sizes.alignment(r, m.design(), size));
                }, e -> new Alloc(e.label(), e.arg(0), e.arg(1))),
                Step.type("calloc", m -> 6, (r, m, l) -> new Calloc(l, Sizes.size(r, m.design())),
                        e -> new Calloc(e.label(), e.arg(0))),
                Step.type("write", m -> m.liveCount() > 0 ? 20 : 0,
                        (r, m, l) -> new Write(Step.pick(r, m.liveLabels())), e -> new Write(e.label())),
                Step.type("free", m -> m.liveCount() > 0 ? 22 : 0,
                        (r, m, l) -> new Free(Step.pick(r, m.liveLabels())), e -> new Free(e.label())),
                Step.type("realloc", m -> m.liveCount() > 0 && m.design().has(Feature.REALLOC) ? 8 : 0,
                        (r, m, l) -> new Realloc(Step.pick(r, m.liveLabels()), Sizes.size(r, m.design())),
                        e -> new Realloc(e.label(), e.arg(0))));
    }

    static MemorySegment segment(AllocatorModel.Block b) {
        return MemorySegment.ofAddress(b.address()).reinterpret(b.size());
    }

    /** {@code alloc#L(size, alignment)}: allocate a block. */
    record Alloc(int label, long size, long alignment) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.live(label).isEmpty() && m.freed(label).isEmpty();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            if (m.closed()) {
                m.expectRefusal(a, Rule.M7_USE_AFTER_CLOSE, toString(), AllocatorClosedException.class,
                        () -> a.allocate(size, alignment));
                return;
            }
            MemorySegment block = a.allocate(size, alignment);
            m.checkNewBlock(a, toString(), block, size, alignment);
            m.add(label, block.address(), size, 0);
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
            return m.live(label).isEmpty() && m.freed(label).isEmpty();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            if (m.closed()) {
                m.expectRefusal(a, Rule.M7_USE_AFTER_CLOSE, toString(), AllocatorClosedException.class,
                        () -> a.allocateZeroed(size));
                return;
            }
            MemorySegment block = a.allocateZeroed(size);
            m.checkNewBlock(a, toString(), block, size, 1);
            m.hit(Rule.C6_CALLOC_ZERO);
            long at = Patterns.firstNonZero(block, size);
            if (at >= 0) {
                throw m.violation(Rule.C6_CALLOC_ZERO, toString() + " returned " + AllocatorModel.hex(block.address())
                        + " whose byte at offset " + at + " is not zero");
            }
            m.add(label, block.address(), size, 0);
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

    /** {@code write#L()}: fill the block with its pattern; from now on it must read back intact. */
    record Write(int label) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.live(label).isPresent();
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            AllocatorModel.Block b = m.live(label).orElseThrow();
            Patterns.fill(segment(b), label, b.size());
            m.written(label, b.size());
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
            a.free(segment(m.live(label).orElseThrow()));
            m.remove(label);
        }

        @Override
        public String toString() {
            return Encoded.format("free", label);
        }
    }

    /** {@code realloc#L(newSize)}: resize a live block; its written prefix must survive. */
    record Realloc(int label, long newSize) implements Step {
        @Override
        public boolean applicable(AllocatorModel m) {
            return m.live(label).isPresent() && m.design().has(Feature.REALLOC);
        }

        @Override
        public void run(Allocator a, AllocatorModel m) {
            AllocatorModel.Block old = m.live(label).orElseThrow();
            MemorySegment moved = a.reallocate(segment(old), newSize);
            m.remove(label);
            m.checkNewBlock(a, toString(), moved, newSize, 1);
            long kept = Math.min(old.written(), newSize);
            if (kept > 0) {
                m.hit(Rule.C7_REALLOC_PREFIX);
                long at = Patterns.firstMismatch(moved, label, kept);
                if (at >= 0) {
                    throw m.violation(Rule.C7_REALLOC_PREFIX, toString() + " moved block #" + label + " from "
                            + AllocatorModel.hex(old.address()) + " to " + AllocatorModel.hex(moved.address())
                            + " but lost byte " + at + " of its " + kept + "-byte prefix");
                }
            }
            m.add(label, moved.address(), newSize, kept);
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
