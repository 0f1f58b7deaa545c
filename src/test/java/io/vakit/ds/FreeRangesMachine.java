package io.vakit.ds;

import io.vakit.pal.VirtualMemory;
import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spec.engine.SimpleType;
import io.vakit.spec.engine.StateMachine;
import io.vakit.spec.engine.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * The two structures of an object heap's free ranges, each against its own model: a {@link BestFitIndex} against a
 * TreeSet ordered by (length, start), and a {@link RangeMap} against a TreeMap by start. Actions add disjoint ranges
 * of a small address space (so neighbours touch), remove them, and ask best fit (at every length: none fits, one
 * fits exactly, ties of length), its successor, and the ranges ending at, starting at and holding an address.
 * Named {@code freeRanges:<maxRanges>}.
 */
final class FreeRangesMachine implements StateMachine<FreeRangesMachine.Pair, FreeRangesMachine.Model> {
    /** Both structures under test. */
    record Pair(BestFitIndex bestFit, RangeMap map) {}

    /** The models: the ranges by (length, start) and by start. */
    static final class Model {
        final TreeSet<Range> bySize = new TreeSet<>((a, b) -> a.length() != b.length()
                ? Long.compare(a.length(), b.length()) : Long.compare(a.start(), b.start()));
        final TreeMap<Long, Range> byStart = new TreeMap<>();
        final long maxRanges;

        Model(long maxRanges) {
            this.maxRanges = maxRanges;
        }

        /** Whether {@code r} overlaps no range held. */
        boolean disjoint(Range r) {
            Map.Entry<Long, Range> below = byStart.floorEntry(r.end() - 1);
            return below == null || below.getValue().end() <= r.start();
        }
    }

    private final long maxRanges;

    FreeRangesMachine(long maxRanges) {
        this.maxRanges = maxRanges;
    }

    @Override
    public String name() {
        return "freeRanges:" + maxRanges;
    }

    @Override
    public Pair newSystem() {
        return new Pair(new BestFitIndex(VirtualMemory.system(), maxRanges), new RangeMap(VirtualMemory.system(),
                maxRanges));
    }

    @Override
    public Model newModel() {
        return new Model(maxRanges);
    }

    private static void expect(String op, Object actual, Object expected) {
        if (!Objects.equals(actual, expected)) {
            throw new Violation("free ranges " + op.replaceAll("\\(.*", ""), op + " returned " + actual
                    + "; the model says " + expected);
        }
    }

    record Op(String name, long a, long b) implements Action<Pair, Model> {
        @Override
        public boolean applicable(Model m) {
            return !name.equals("add") || b > 0 && m.disjoint(new Range(a, b)) && m.byStart.size() < m.maxRanges;
        }

        @Override
        public void run(Pair x, Model m) {
            switch (name) {
                case "add" -> {
                    Range r = new Range(a, b);
                    x.bestFit().add(r);
                    x.map().add(r);
                    m.bySize.add(r);
                    m.byStart.put(a, r);
                }
                case "remove" -> {
                    Range r = m.byStart.remove(a);
                    expect(toString(), x.map().remove(a), Optional.ofNullable(r));
                    if (r != null) {
                        expect(toString() + " from the best-fit index", x.bestFit().remove(r), m.bySize.remove(r));
                    }
                }
                case "bestFit" -> expect(toString(), x.bestFit().bestFit(a),
                        Optional.ofNullable(m.bySize.ceiling(new Range(Long.MIN_VALUE, a))));
                case "after" -> {
                    Range r = m.byStart.get(a);
                    if (r != null) {
                        expect(toString(), x.bestFit().after(r), Optional.ofNullable(m.bySize.higher(r)));
                    }
                }
                case "startingAt" -> expect(toString(), x.map().startingAt(a), Optional.ofNullable(m.byStart.get(a)));
                case "endingAt" -> {
                    Map.Entry<Long, Range> e = m.byStart.lowerEntry(a);
                    expect(toString(), x.map().endingAt(a),
                            Optional.ofNullable(e != null && e.getValue().end() == a ? e.getValue() : null));
                }
                case "containing" -> {
                    Map.Entry<Long, Range> e = m.byStart.floorEntry(a);
                    expect(toString(), x.map().containing(a),
                            Optional.ofNullable(e != null && a < e.getValue().end() ? e.getValue() : null));
                }
                default -> throw new IllegalArgumentException(name);
            }
        }

        @Override
        public List<Action<Pair, Model>> simplifications() {
            return List.of();
        }

        @Override
        public String toString() {
            return Encoded.format(name, -1, a, b);
        }
    }

    /** An address of the small space: a range's start or end (neighbours), or anything in it. */
    static long address(RandomGenerator r, Model m) {
        if (!m.byStart.isEmpty() && r.nextInt(3) > 0) {
            Range[] all = m.byStart.values().toArray(Range[]::new);
            Range pick = all[r.nextInt(all.length)];
            return switch (r.nextInt(3)) {
                case 0 -> pick.start();
                case 1 -> pick.end();
                default -> pick.start() + r.nextLong(pick.length());
            };
        }
        return 16 * r.nextInt(256);
    }

    /** A length worth asking: a held one (ties), one more or less, or any. */
    static long length(RandomGenerator r, Model m) {
        if (!m.bySize.isEmpty() && r.nextBoolean()) {
            Range[] all = m.bySize.toArray(Range[]::new);
            return Math.max(1, all[r.nextInt(all.length)].length() + r.nextInt(3) - 1);
        }
        return 16 * (1 + r.nextInt(32));
    }

    @Override
    public List<ActionType<Pair, Model>> actionTypes() {
        List<ActionType<Pair, Model>> t = new ArrayList<>();
        t.add(new SimpleType<>("add", m -> 30, (r, m, l) -> new Op("add", address(r, m), 16 * (1 + r.nextInt(8))),
                e -> new Op("add", e.arg(0), e.arg(1))));
        for (String n : List.of("remove", "after", "startingAt", "endingAt", "containing")) {
            t.add(new SimpleType<>(n, m -> n.equals("remove") ? 15 : 8, (r, m, l) -> new Op(n, address(r, m), 0),
                    e -> new Op(n, e.arg(0), 0)));
        }
        t.add(new SimpleType<>("bestFit", m -> 15, (r, m, l) -> new Op("bestFit", length(r, m), 0),
                e -> new Op("bestFit", e.arg(0), 0)));
        return t;
    }

    @Override
    public void checkInvariants(Pair x, Model m) {
        if (x.bestFit().size() != m.bySize.size() || x.map().size() != m.byStart.size()) {
            throw new Violation("free ranges size", "sizes " + x.bestFit().size() + ", " + x.map().size()
                    + "; the model has " + m.bySize.size());
        }
        x.bestFit().verify();
        x.map().verify();
        List<Range> inOrder = new ArrayList<>();
        x.map().forEach(inOrder::add);
        if (!inOrder.equals(new ArrayList<>(m.byStart.values()))) {
            throw new Violation("free ranges order", "in order " + inOrder + "; the model has " + m.byStart.values());
        }
    }

    @Override
    public void dispose(Pair x) {
        x.bestFit().close();
        x.map().close();
    }
}
