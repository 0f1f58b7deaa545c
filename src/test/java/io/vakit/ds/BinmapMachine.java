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
 * The binmap against a {@link BitSet}: set, clear, get, find, find-and-set, next and previous free, fill and
 * drain (to reach the full and empty edges). Named {@code binmap:<capacity>:<W32|W64>}.
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

    private static ActionType<Binmap, Model> type(String name, int weight, boolean indexed) {
        return new SimpleType<>(name, m -> weight, (r, m, l) -> new Op(name, indexed ? index(r, m) : 0),
                e -> new Op(name, e.arg(0)));
    }

    @Override
    public List<ActionType<Binmap, Model>> actionTypes() {
        boolean small = capacity <= (1 << 20);
        return List.of(type("set", 20, true), type("clear", 15, true), type("get", 8, true), type("find", 5, false),
                type("findAndSet", 12, false), type("next", 8, true), type("previous", 8, true),
                type("fill", small ? 1 : 0, false), type("drain", small ? 1 : 0, false));
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
