package io.vakit.ds;

import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.SimpleType;
import io.vakit.spec.engine.StateMachine;
import io.vakit.spec.engine.Violation;
import java.util.BitSet;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The binmap against a {@link BitSet}: set, clear, get, find, find-and-set, next and previous free, runs of n free
 * bits at a stride (found, and claimed), a view attached to the same words, fill and drain (to reach the full and
 * empty edges). Named {@code binmap:<capacity>:<W32|W64>}.
 */
final class BinmapMachine implements StateMachine<Binmap, BinmapMachine.Model> {
    /** The model: the bits, and the capacity. */
    static final class Model {
        final BitSet bits = new BitSet();
        final long capacity;

        Model(long capacity) {
            this.capacity = capacity;
        }

        long nextClear(long from) {
            long i = bits.nextClearBit((int) from);
            return i < capacity ? i : -1;
        }

        long previousClear(long from) {
            return bits.previousClearBit((int) from);
        }

        /** The lowest multiple of {@code stride} starting {@code n} clear bits below the capacity, or -1. */
        long run(long n, long stride) {
            for (long s = 0; s + n <= capacity; s += stride) {
                int set = bits.nextSetBit((int) s);
                if (set < 0 || set >= s + n) {
                    return s;
                }
            }
            return -1;
        }
    }

    private final long capacity;
    private final Binmap.WordSize wordSize;

    BinmapMachine(long capacity, Binmap.WordSize wordSize) {
        this.capacity = capacity;
        this.wordSize = wordSize;
    }

    @Override
    public String name() {
        return "binmap:" + capacity + ":" + wordSize;
    }

    @Override
    public Binmap newSystem() {
        return Binmap.allocate(capacity, wordSize);
    }

    @Override
    public Model newModel() {
        return new Model(capacity);
    }

    /** An index worth trying: an edge, a word boundary, a set bit, or anything. */
    static long index(RandomGenerator r, Model m) {
        long c = m.capacity;
        return switch (r.nextInt(6)) {
            case 0 -> 0;
            case 1 -> c - 1;
            case 2 -> Math.min(c - 1, (32L << r.nextInt(3)) - 1 + r.nextInt(3));
            case 3 -> {
                int set = m.bits.nextSetBit((int) r.nextLong(c));
                yield set >= 0 ? set : r.nextLong(c);
            }
            default -> r.nextLong(c);
        };
    }

    private static void expect(String op, Object actual, Object expected) {
        if (!actual.equals(expected)) {
            throw new Violation("binmap " + op, op + " returned " + actual + "; the model says " + expected);
        }
    }

    record Op(String name, long i) implements Action<Binmap, Model> {
        @Override
        public boolean applicable(Model m) {
            return i < m.capacity;
        }

        @Override
        public void run(Binmap b, Model m) {
            switch (name) {
                case "set" -> {
                    expect(toString(), b.set(i), !m.bits.get((int) i));
                    m.bits.set((int) i);
                }
                case "clear" -> {
                    expect(toString(), b.clear(i), m.bits.get((int) i));
                    m.bits.clear((int) i);
                }
                case "get" -> expect(toString(), b.get(i), m.bits.get((int) i));
                case "find" -> expect(toString(), b.findFree(), m.nextClear(0));
                case "findAndSet" -> {
                    long expected = m.nextClear(0);
                    expect(toString(), b.findAndSet(), expected);
                    if (expected >= 0) {
                        m.bits.set((int) expected);
                    }
                }
                case "next" -> expect(toString(), b.nextFree(i), m.nextClear(i));
                case "previous" -> expect(toString(), b.previousFree(i), m.previousClear(i));
                case "fill" -> {
                    for (long k = 0; k < m.capacity; k++) {
                        b.set(k);
                    }
                    m.bits.set(0, (int) m.capacity);
                }
                case "drain" -> {
                    for (long k = 0; k < m.capacity; k++) {
                        b.clear(k);
                    }
                    m.bits.clear();
                }
                default -> throw new IllegalArgumentException(name);
            }
        }

        @Override
        public List<Action<Binmap, Model>> simplifications() {
            return i == 0 ? List.of() : List.of(new Op(name, 0), new Op(name, i / 2));
        }

        @Override
        public String toString() {
            return io.vakit.spec.engine.Encoded.format(name, -1, i);
        }
    }

    /** {@code findRun(n, stride)}, or with {@code claim} also {@code setRange} on what it found. */
    record RunOp(boolean claim, long n, long stride) implements Action<Binmap, Model> {
        @Override
        public boolean applicable(Model m) {
            return n >= 1 && Long.bitCount(stride) == 1;
        }

        @Override
        public void run(Binmap b, Model m) {
            long expected = m.run(n, stride);
            expect(toString(), b.findRun(n, stride), expected);
            if (claim && expected >= 0) {
                b.setRange(expected, n);
                m.bits.set((int) expected, (int) (expected + n));
            }
        }

        @Override
        public List<Action<Binmap, Model>> simplifications() {
            return n == 1 && stride == 1 ? List.of() : List.of(new RunOp(claim, 1, 1), new RunOp(claim, n, 1));
        }

        @Override
        public String toString() {
            return io.vakit.spec.engine.Encoded.format(claim ? "claimRun" : "findRun", -1, n, stride);
        }
    }

    /** A run length worth trying: 1, a few, a word or more, the capacity, or one more than it. */
    static long runLength(RandomGenerator r, Model m) {
        return switch (r.nextInt(6)) {
            case 0 -> 1;
            case 1 -> m.capacity;
            case 2 -> m.capacity + 1;
            case 3 -> 31 + r.nextInt(35);
            default -> 1 + r.nextInt(8);
        };
    }

    private static ActionType<Binmap, Model> runType(boolean claim, int weight) {
        return new SimpleType<>(claim ? "claimRun" : "findRun", m -> weight, (r, m, l) -> new RunOp(claim,
                runLength(r, m), 1L << r.nextInt(r.nextBoolean() ? 1 : 7)),
                e -> new RunOp(claim, e.arg(0), e.arg(1)));
    }

    /** {@code attach}: a second view of the same words agrees (count, find, a run). */
    record Attach() implements Action<Binmap, Model> {
        @Override
        public boolean applicable(Model m) {
            return true;
        }

        @Override
        public void run(Binmap b, Model m) {
            Binmap view = Binmap.attach(java.lang.foreign.MemorySegment.ofAddress(b.storageAddress())
                    .reinterpret(Binmap.bytesFor(m.capacity, b.wordSize())), m.capacity, b.wordSize());
            expect("attach count", view.count(), (long) m.bits.cardinality());
            expect("attach find", view.findFree(), m.nextClear(0));
        }

        @Override
        public String toString() {
            return io.vakit.spec.engine.Encoded.format("attach", -1);
        }
    }

    private static ActionType<Binmap, Model> type(String name, int weight, boolean indexed) {
        return new SimpleType<>(name, m -> weight, (r, m, l) -> new Op(name, indexed ? index(r, m) : 0),
                e -> new Op(name, e.arg(0)));
    }

    @Override
    public List<ActionType<Binmap, Model>> actionTypes() {
        boolean small = capacity <= (1 << 20);
        return List.of(type("set", 20, true), type("clear", 15, true), type("get", 8, true), type("find", 5, false),
                type("findAndSet", 12, false), type("next", 8, true), type("previous", 8, true),
                type("fill", small ? 1 : 0, false), type("drain", small ? 1 : 0, false), runType(false, 6),
                runType(true, 6), new SimpleType<>("attach", m -> 2, (r, m, l) -> new Attach(), e -> new Attach()));
    }

    @Override
    public void checkInvariants(Binmap b, Model m) {
        if (b.count() != m.bits.cardinality()) {
            throw new Violation("binmap count", "count " + b.count() + ", the model has " + m.bits.cardinality());
        }
        if (capacity <= (1 << 16)) {
            try {
                b.verify();
            } catch (IllegalStateException e) {
                throw new Violation("binmap structure", e.getMessage());
            }
        }
    }

    @Override
    public void dispose(Binmap b) {
        b.close();
    }
}
