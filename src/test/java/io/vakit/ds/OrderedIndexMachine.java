package io.vakit.ds;

import io.vakit.pal.VirtualMemory;
import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spec.engine.SimpleType;
import io.vakit.spec.engine.StateMachine;
import io.vakit.spec.engine.Violation;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The ordered index against a {@link TreeMap} of (key, tie) pairs: insert (and a refused duplicate), remove (present
 * or not), get, set a value, ceiling and floor at every kind of pivot (an entry, between entries, beyond both ends,
 * the extreme longs), fill to the pool's capacity (and the refusal past it) and drain. Keys come from a small range
 * so pairs collide and ties decide, and from the extremes. The structure is verified after every action. Named
 * {@code orderedIndex:<maxNodes>}.
 */
final class OrderedIndexMachine implements StateMachine<OrderedIndex, OrderedIndexMachine.Model> {
    /** The model: the entries in order. */
    static final class Model {
        final TreeMap<Pair, Long> entries = new TreeMap<>();
        final long maxNodes;

        Model(long maxNodes) {
            this.maxNodes = maxNodes;
        }
    }

    /** A (key, tie) pair in the index's order. */
    record Pair(long key, long tie) implements Comparable<Pair> {
        @Override
        public int compareTo(Pair o) {
            int c = Long.compare(key, o.key);
            return c != 0 ? c : Long.compare(tie, o.tie);
        }
    }

    private final long maxNodes;

    OrderedIndexMachine(long maxNodes) {
        this.maxNodes = maxNodes;
    }

    @Override
    public String name() {
        return "orderedIndex:" + maxNodes;
    }

    @Override
    public OrderedIndex newSystem() {
        return new OrderedIndex(VirtualMemory.system(), maxNodes);
    }

    @Override
    public Model newModel() {
        return new Model(maxNodes);
    }

    /** A key worth trying: a small one (so pairs collide), an extreme, one near an entry, or anything. */
    static long key(RandomGenerator r, Model m) {
        return switch (r.nextInt(8)) {
            case 0 -> Long.MIN_VALUE;
            case 1 -> Long.MAX_VALUE;
            case 2 -> m.entries.isEmpty() ? 0 : m.entries.firstKey().key() + r.nextInt(3) - 1;
            case 3 -> r.nextLong();
            default -> r.nextInt(16);
        };
    }

    static long tie(RandomGenerator r) {
        return switch (r.nextInt(6)) {
            case 0 -> Long.MIN_VALUE;
            case 1 -> Long.MAX_VALUE;
            default -> r.nextInt(4);
        };
    }

    /** A pair present in the model (when there is one), or a fresh one. */
    static Pair pair(RandomGenerator r, Model m) {
        if (!m.entries.isEmpty() && r.nextBoolean()) {
            Pair[] all = m.entries.keySet().toArray(Pair[]::new);
            return all[r.nextInt(all.length)];
        }
        return new Pair(key(r, m), tie(r));
    }

    private static void expect(String op, Object actual, Object expected) {
        if (!Objects.equals(actual, expected)) {
            throw new Violation("ordered index " + op.replaceAll("\\(.*", ""), op + " returned " + actual
                    + "; the model says " + expected);
        }
    }

    private static Optional<OrderedIndex.Entry> entry(Map.Entry<Pair, Long> e) {
        return e == null ? Optional.empty()
                : Optional.of(new OrderedIndex.Entry(e.getKey().key(), e.getKey().tie(), e.getValue()));
    }

    record Op(String name, long key, long tie, long value) implements Action<OrderedIndex, Model> {
        @Override
        public boolean applicable(Model m) {
            return true;
        }

        @Override
        public void run(OrderedIndex x, Model m) {
            Pair p = new Pair(key, tie);
            switch (name) {
                case "insert" -> {
                    boolean fits = m.entries.containsKey(p) || m.entries.size() < m.maxNodes;
                    boolean refused;
                    try {
                        x.insert(key, tie, value);
                        refused = false;
                    } catch (IllegalStateException e) {
                        refused = true;
                    }
                    expect(toString() + " refused", refused, m.entries.containsKey(p) || !fits);
                    if (!refused) {
                        m.entries.put(p, value);
                    }
                }
                case "remove" -> expect(toString(), x.remove(key, tie), m.entries.remove(p) != null);
                case "get" -> expect(toString(), x.get(key, tie),
                        Optional.ofNullable(m.entries.get(p)).map(v -> new OrderedIndex.Entry(key, tie, v)));
                case "setValue" -> {
                    boolean present = m.entries.containsKey(p);
                    boolean refused;
                    try {
                        x.setValue(key, tie, value);
                        refused = false;
                    } catch (IllegalStateException e) {
                        refused = true;
                    }
                    expect(toString() + " refused", refused, !present);
                    if (present) {
                        m.entries.put(p, value);
                    }
                }
                case "ceiling" -> expect(toString(), x.ceiling(key, tie), entry(m.entries.ceilingEntry(p)));
                case "floor" -> expect(toString(), x.floor(key, tie), entry(m.entries.floorEntry(p)));
                case "fill" -> {
                    for (long k = 0; m.entries.size() < m.maxNodes; k++) {
                        Pair q = new Pair(key + k, tie);
                        if (!m.entries.containsKey(q)) {
                            x.insert(q.key(), q.tie(), k);
                            m.entries.put(q, k);
                        }
                    }
                    boolean refused = false;
                    try {
                        x.insert(Long.MIN_VALUE + 7, Long.MIN_VALUE + 7, 0); // one more than the pool holds
                    } catch (IllegalStateException e) {
                        refused = true;
                    }
                    expect(toString() + " past the pool", refused, true);
                }
                case "drain" -> {
                    for (Pair q : List.copyOf(m.entries.keySet())) {
                        x.remove(q.key(), q.tie());
                        m.entries.remove(q);
                    }
                }
                default -> throw new IllegalArgumentException(name);
            }
        }

        @Override
        public List<Action<OrderedIndex, Model>> simplifications() {
            return key == 0 && tie == 0 ? List.of() : List.of(new Op(name, 0, 0, value), new Op(name, key / 2, tie / 2,
                    value));
        }

        @Override
        public String toString() {
            return Encoded.format(name, -1, key, tie, value);
        }
    }

    private static ActionType<OrderedIndex, Model> type(String name, int weight) {
        return new SimpleType<>(name, m -> weight, (r, m, l) -> {
            Pair p = name.equals("insert") && r.nextInt(4) > 0 ? new Pair(key(r, m), tie(r)) : pair(r, m);
            return new Op(name, p.key(), p.tie(), r.nextLong());
        }, e -> new Op(name, e.arg(0), e.arg(1), e.arg(2)));
    }

    @Override
    public List<ActionType<OrderedIndex, Model>> actionTypes() {
        return List.of(type("insert", 30), type("remove", 15), type("get", 8), type("setValue", 4),
                type("ceiling", 15), type("floor", 15), type("fill", maxNodes <= 4096 ? 1 : 0), type("drain", 1));
    }

    @Override
    public void checkInvariants(OrderedIndex x, Model m) {
        if (x.size() != m.entries.size()) {
            throw new Violation("ordered index size", "size " + x.size() + ", the model has " + m.entries.size());
        }
        try {
            x.verify();
        } catch (IllegalStateException e) {
            throw new Violation("ordered index structure", e.getMessage());
        }
        List<OrderedIndex.Entry> inOrder = new java.util.ArrayList<>();
        x.forEach(inOrder::add);
        List<OrderedIndex.Entry> expected = m.entries.entrySet().stream().map(e -> entry(e).orElseThrow()).toList();
        if (!inOrder.equals(expected)) {
            throw new Violation("ordered index order", "in order " + inOrder + "; the model has " + expected);
        }
    }

    @Override
    public void dispose(OrderedIndex x) {
        x.close();
    }
}
