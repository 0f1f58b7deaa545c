package io.vakit.ds;

import io.vakit.pal.VirtualMemory;
import io.vakit.spec.contract.Patterns;
import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spec.engine.SimpleType;
import io.vakit.spec.engine.StateMachine;
import io.vakit.spec.engine.Violation;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The init arena against a model bump pointer: alignment, no overlap, commit in granules, exhaustion exactly at
 * the reservation's end, reset, and use after close. A 1 MiB arena with 64 KiB granules. Named {@code initArena}.
 */
final class InitArenaMachine implements StateMachine<InitArena, InitArenaMachine.Model> {
    static final long CAPACITY = 1 << 20;
    static final long GRANULE = 64 * 1024;

    /** The model: the bump offset (from the base), the live allocations, and closed. */
    static final class Model {
        long base = -1;
        long used;
        boolean closed;
        final List<long[]> blocks = new ArrayList<>(); // {label, address, size}
    }

    @Override
    public String name() {
        return "initArena";
    }

    @Override
    public InitArena newSystem() {
        return new InitArena(VirtualMemory.system(), CAPACITY, GRANULE);
    }

    @Override
    public Model newModel() {
        return new Model();
    }

    static Violation violation(String message) {
        return new Violation("init arena", message);
    }

    record Alloc(int label, long size, long alignment) implements Action<InitArena, Model> {
        @Override
        public boolean applicable(Model m) {
            return true;
        }

        @Override
        public void run(InitArena a, Model m) {
            if (m.closed) {
                try {
                    a.allocate(size, alignment);
                    throw violation(this + " succeeded after close");
                } catch (IllegalStateException expected) {
                    return;
                }
            }
            if (m.base < 0) {
                m.base = a.allocate(1, 1).address(); // learn the base: the first byte
                m.used = 1;
            }
            long start = (m.base + m.used + alignment - 1 & -alignment) - m.base;
            if (start + size > CAPACITY) {
                long used = a.used();
                try {
                    a.allocate(size, alignment);
                    throw violation(this + " succeeded past the reservation's end");
                } catch (OutOfSpaceException expected) {
                    if (a.used() != used) {
                        throw violation(this + " was refused but moved the bump offset");
                    }
                    return;
                }
            }
            MemorySegment s = a.allocate(size, alignment);
            if (s.address() != m.base + start || s.byteSize() != size) {
                throw violation(this + " returned " + Long.toHexString(s.address()) + "; the model expects base+"
                        + start);
            }
            m.used = start + size;
            Patterns.fill(s, label, size);
            m.blocks.add(new long[] {label, s.address(), size});
        }

        @Override
        public List<Action<InitArena, Model>> simplifications() {
            List<Action<InitArena, Model>> out = new ArrayList<>();
            if (alignment > 1) {
                out.add(new Alloc(label, size, 1));
            }
            if (size > 1) {
                out.add(new Alloc(label, size / 2, alignment));
            }
            return out;
        }

        @Override
        public String toString() {
            return Encoded.format("alloc", label, size, alignment);
        }
    }

    record Reset() implements Action<InitArena, Model> {
        @Override
        public boolean applicable(Model m) {
            return !m.closed;
        }

        @Override
        public void run(InitArena a, Model m) {
            a.reset();
            m.blocks.clear();
            m.used = 0;
            m.base = -1;
        }

        @Override
        public String toString() {
            return Encoded.format("reset", -1);
        }
    }

    record Close() implements Action<InitArena, Model> {
        @Override
        public boolean applicable(Model m) {
            return !m.closed;
        }

        @Override
        public void run(InitArena a, Model m) {
            a.close();
            a.close();
            m.closed = true;
            m.blocks.clear();
        }

        @Override
        public String toString() {
            return Encoded.format("close", -1);
        }
    }

    @Override
    public List<ActionType<InitArena, Model>> actionTypes() {
        return List.of(
                new SimpleType<>("alloc", m -> 30, (r, m, l) -> new Alloc(l,
                        1 + r.nextLong(r.nextInt(10) == 0 ? CAPACITY / 2 : 5000), 1L << r.nextInt(13)),
                        e -> new Alloc(e.label(), e.arg(0), e.arg(1))),
                new SimpleType<>("reset", m -> m.closed ? 0 : 2, (r, m, l) -> new Reset(), e -> new Reset()),
                new SimpleType<>("close", m -> m.closed ? 0 : 1, (r, m, l) -> new Close(), e -> new Close()));
    }

    @Override
    public void checkInvariants(InitArena a, Model m) {
        if (m.closed) {
            return;
        }
        for (long[] b : m.blocks) {
            long at = Patterns.firstMismatch(MemorySegment.ofAddress(b[1]).reinterpret(b[2]), (int) b[0], b[2]);
            if (at >= 0) {
                throw violation("allocation #" + b[0] + " lost its contents at offset " + at);
            }
        }
        long expectedCommitted = (m.used + GRANULE - 1) / GRANULE * GRANULE;
        if (a.used() != m.used || a.committed() != expectedCommitted) {
            throw violation("used " + a.used() + ", committed " + a.committed() + "; the model has used " + m.used
                    + ", committed " + expectedCommitted + " (granules of " + GRANULE + ")");
        }
    }

    @Override
    public void dispose(InitArena a) {
        a.close();
    }
}
