package io.vakit.ds;

import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spec.engine.SimpleType;
import io.vakit.spec.engine.StateMachine;
import io.vakit.spec.engine.Violation;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * An index list against a {@link java.util.Deque}: push at either end, remove the first, the last or one inside,
 * pop, fill every node the width can name and drain, and the refusal of a node no link can name. Nodes are drawn
 * from the sentinel's edges (0, 1, the last two nameable) as often as from anywhere. After every action the list is
 * walked both ways and compared with the model, and the bytes of every record around the links (canaries) must be
 * untouched: a link written at the wrong offset or width shows. Named {@code indexList:<U8|U16|ADDRESS>}; an
 * ADDRESS list is tried over {@value #ADDRESS_NODES} records.
 */
class IndexListMachine implements StateMachine<IndexListMachine.System, IndexListMachine.Model> {
    static final int ADDRESS_NODES = 300;
    private static final byte CANARY = (byte) 0xA5;

    /** The list, over records with a canary byte on each side of each link. */
    static class System {
        final Arena arena = Arena.ofConfined();
        final IndexList.Width width;
        final long nodes;
        final long stride;
        final MemorySegment records;
        final MemorySegment head;
        final IndexList list;

        System(IndexList.Width width) {
            this.width = width;
            this.nodes = width == IndexList.Width.ADDRESS ? ADDRESS_NODES : width.capacity();
            int link = width.linkBytes();
            this.stride = 1 + link + 1 + link + 1; // canary, next, canary, prev, canary
            this.records = arena.allocate(nodes * stride, 8).fill(CANARY);
            this.head = arena.allocate(width.headBytes() + 2, 8).fill(CANARY);
            this.list = overLinks(records, head);
            list.clear();
        }

        /** The list over the records: next after the first canary, prev after the second. */
        IndexList overLinks(MemorySegment records, MemorySegment head) {
            long base = width == IndexList.Width.ADDRESS ? 0 : records.address();
            long s = width == IndexList.Width.ADDRESS ? 1 : stride;
            return new IndexList(width, base, s, 1, 2 + width.linkBytes(), head);
        }

        /** The name of node {@code i}: its index, or its record's address. */
        long node(long i) {
            return width == IndexList.Width.ADDRESS ? records.address() + i * stride : i;
        }

        long index(long node) {
            return width == IndexList.Width.ADDRESS ? (node - records.address()) / stride : node;
        }

        /** The first record index whose canaries are not intact among {@code which}, or -1. */
        long brokenCanary(Iterable<Long> which) {
            int link = width.linkBytes();
            for (long i : which) {
                long r = i * stride;
                if (records.get(ValueLayout.JAVA_BYTE, r) != CANARY
                        || records.get(ValueLayout.JAVA_BYTE, r + 1 + link) != CANARY
                        || records.get(ValueLayout.JAVA_BYTE, r + 2 + 2L * link) != CANARY) {
                    return i;
                }
            }
            return -1;
        }

        boolean headCanaryIntact() {
            return head.get(ValueLayout.JAVA_BYTE, width.headBytes()) == CANARY;
        }
    }

    /** The model: the nodes (by index) in list order, and what the run reached. */
    static final class Model {
        final ArrayDeque<Long> order = new ArrayDeque<>();
        final Set<Long> members = new HashSet<>();
        final Set<Long> touched = new HashSet<>();
        final Map<String, Long> reached = new HashMap<>();
        final long nodes;

        Model(long nodes) {
            this.nodes = nodes;
        }

        void reach(String state) {
            reached.merge("state:" + state, 1L, Long::sum);
        }
    }

    private final IndexList.Width width;

    IndexListMachine(IndexList.Width width) {
        this.width = width;
    }

    /** The states every run must reach. */
    static final List<String> REQUIRED = List.of("empty", "single", "full", "node 0", "last nameable node",
            "remove first", "remove last", "remove inside", "refused node", "emptied");

    @Override
    public String name() {
        return "indexList:" + width;
    }

    @Override
    public System newSystem() {
        return new System(width);
    }

    @Override
    public Model newModel() {
        return new Model(width == IndexList.Width.ADDRESS ? ADDRESS_NODES : width.capacity());
    }

    /** A node not in the list: an edge of the sentinel (0, 1, the last two nameable), or any. */
    static long freeNode(RandomGenerator r, Model m) {
        for (int attempt = 0; attempt < 8; attempt++) {
            long n = switch (r.nextInt(6)) {
                case 0 -> 0;
                case 1 -> m.nodes - 1;
                case 2 -> m.nodes - 2;
                case 3 -> 1;
                default -> r.nextLong(m.nodes);
            };
            if (!m.members.contains(n)) {
                return n;
            }
        }
        return r.nextLong(m.nodes);
    }

    /** A node in the list: its first, its last, or one inside (any, when the list is empty). */
    static long member(RandomGenerator r, Model m) {
        if (m.order.isEmpty()) {
            return r.nextLong(m.nodes);
        }
        return switch (r.nextInt(3)) {
            case 0 -> m.order.peekFirst();
            case 1 -> m.order.peekLast();
            default -> new ArrayList<>(m.order).get(r.nextInt(m.order.size()));
        };
    }

    private static void expect(String op, Object actual, Object expected) {
        if (!actual.equals(expected)) {
            throw new Violation("index list " + op.replaceAll("\\(.*", ""), op + " gave " + actual + "; the model says "
                    + expected);
        }
    }

    record Op(String name, long i) implements Action<System, Model> {
        @Override
        public boolean applicable(Model m) {
            return switch (name) {
                case "pushFront", "pushBack" -> i >= 0 && i < m.nodes && !m.members.contains(i);
                case "remove" -> m.members.contains(i);
                default -> true;
            };
        }

        @Override
        public void run(System s, Model m) {
            m.touched.clear();
            if (!m.order.isEmpty()) {
                m.touched.add(m.order.peekFirst());
                m.touched.add(m.order.peekLast());
            }
            switch (name) {
                case "pushFront", "pushBack" -> {
                    if (name.equals("pushFront")) {
                        s.list.pushFront(s.node(i));
                        m.order.addFirst(i);
                    } else {
                        s.list.pushBack(s.node(i));
                        m.order.addLast(i);
                    }
                    m.members.add(i);
                    m.touched.add(i);
                    if (i == 0) {
                        m.reach("node 0");
                    }
                    if (i == m.nodes - 1) {
                        m.reach("last nameable node");
                    }
                }
                case "remove" -> {
                    List<Long> order = new ArrayList<>(m.order);
                    int at = order.indexOf(i);
                    m.reach(at == 0 ? "remove first" : at == order.size() - 1 ? "remove last" : "remove inside");
                    if (at > 0) {
                        m.touched.add(order.get(at - 1));
                    }
                    if (at < order.size() - 1) {
                        m.touched.add(order.get(at + 1));
                    }
                    s.list.remove(s.node(i));
                    m.order.remove(i);
                    m.members.remove(i);
                    m.touched.add(i);
                    if (m.order.isEmpty()) {
                        m.reach("emptied");
                    }
                }
                case "popFront" -> {
                    long got = s.list.popFront();
                    Long expected = m.order.pollFirst();
                    expect(toString(), got == IndexList.NONE ? "none" : s.index(got), expected == null ? "none"
                            : expected);
                    if (expected != null) {
                        m.members.remove(expected);
                        m.touched.add(expected);
                        if (m.order.isEmpty()) {
                            m.reach("emptied");
                        }
                    }
                    if (!m.order.isEmpty()) {
                        m.touched.add(m.order.peekFirst());
                    }
                }
                case "fill" -> {
                    for (long n = 0; n < m.nodes; n++) {
                        if (!m.members.contains(n)) {
                            s.list.pushBack(s.node(n));
                            m.order.addLast(n);
                            m.members.add(n);
                        }
                    }
                    m.reach("full");
                    m.reach("node 0");
                    m.reach("last nameable node");
                }
                case "drain" -> {
                    while (!m.order.isEmpty()) {
                        long expected = m.order.pollFirst();
                        expect(toString(), s.index(s.list.popFront()), expected);
                        m.members.remove(expected);
                    }
                    expect(toString() + " then empty", s.list.isEmpty(), true);
                    m.reach("emptied");
                }
                case "pushOutOfRange" -> {
                    long bad = s.width == IndexList.Width.ADDRESS ? 0 : s.width.capacity() + i;
                    boolean refused = false;
                    try {
                        s.list.pushFront(bad);
                    } catch (IllegalArgumentException e) {
                        refused = true;
                    }
                    expect(toString() + " refused", refused, true);
                    m.reach("refused node");
                }
                default -> throw new IllegalArgumentException(name);
            }
            if (m.order.isEmpty()) {
                m.reach("empty");
            } else if (m.order.size() == 1) {
                m.reach("single");
            }
        }

        @Override
        public List<Action<System, Model>> simplifications() {
            return List.of();
        }

        @Override
        public String toString() {
            return Encoded.format(name, -1, i);
        }
    }

    private static ActionType<System, Model> type(String name, int weight,
            java.util.function.BiFunction<RandomGenerator, Model, Long> node) {
        return new SimpleType<>(name, m -> weight, (r, m, l) -> new Op(name, node.apply(r, m)),
                e -> new Op(name, e.arg(0)));
    }

    @Override
    public List<ActionType<System, Model>> actionTypes() {
        return List.of(type("pushFront", 20, IndexListMachine::freeNode), type("pushBack", 15,
                IndexListMachine::freeNode), type("remove", 25, IndexListMachine::member),
                type("popFront", 8, (r, m) -> 0L), type("fill", 1, (r, m) -> 0L), type("drain", 2, (r, m) -> 0L),
                type("pushOutOfRange", 1, (r, m) -> r.nextLong(3)));
    }

    @Override
    public void checkInvariants(System s, Model m) {
        List<Long> forward = new ArrayList<>();
        for (long n : s.list.toArray()) {
            forward.add(s.index(n));
            if (forward.size() > m.nodes) {
                throw new Violation("index list order", "the walk from the head does not end");
            }
        }
        List<Long> expected = new ArrayList<>(m.order);
        if (!forward.equals(expected)) {
            throw new Violation("index list order", "walking next from the head gives " + abbreviate(forward)
                    + "; the model has " + abbreviate(expected));
        }
        List<Long> backward = new ArrayList<>();
        for (long n = s.list.last(); n != IndexList.NONE; n = s.list.previous(n)) {
            backward.add(s.index(n));
            if (backward.size() > m.nodes) {
                throw new Violation("index list order", "the walk back from the last node does not end");
            }
        }
        java.util.Collections.reverse(backward);
        if (!backward.equals(expected)) {
            throw new Violation("index list order", "walking previous from the last gives (reversed) "
                    + abbreviate(backward) + "; the model has " + abbreviate(expected));
        }
        if (s.list.isEmpty() != m.order.isEmpty()) {
            throw new Violation("index list empty", "isEmpty " + s.list.isEmpty() + "; the model has "
                    + m.order.size() + " nodes");
        }
        Iterable<Long> which = m.nodes <= 4096 ? java.util.stream.LongStream.range(0, m.nodes).boxed().toList()
                : m.touched;
        long broken = s.brokenCanary(which);
        if (broken >= 0 || !s.headCanaryIntact()) {
            throw new Violation("index list bounds", broken >= 0 ? "a byte beside the links of record " + broken
                    + " changed" : "the byte after the head changed");
        }
    }

    private static String abbreviate(List<Long> l) {
        return l.size() <= 12 ? l.toString() : l.subList(0, 6) + "...(" + l.size() + ")..." + l.subList(l.size() - 3,
                l.size());
    }

    @Override
    public Map<String, Long> coverage(Model m) {
        return Map.copyOf(m.reached);
    }

    @Override
    public void dispose(System s) {
        s.arena.close();
    }
}
