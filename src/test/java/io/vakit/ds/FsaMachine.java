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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The FSA against a model of live items and of the blocks they sit in, which predicts exhaustion exactly and the
 * committed bytes of the blocks. A small FSA ({@value #BLOCKS} blocks of 64 KiB) so that exhaustion is reached.
 * Named {@code fsa}.
 */
final class FsaMachine implements StateMachine<Fsa, FsaMachine.Model> {
    static final int BLOCKS = 6;
    static final int BLOCK = 64 * 1024;

    /** An item the model knows: its label, address, item size and requested size. */
    record Item(int label, long address, int itemSize) {}

    /** The model. */
    static final class Model {
        final Map<Integer, Item> byLabel = new HashMap<>();
        final TreeMap<Long, Item> byAddress = new TreeMap<>();
        final Map<Integer, Item> freed = new HashMap<>();
        final Map<Long, Integer> itemsPerBlock = new HashMap<>();
        final Map<Long, Integer> sizeOfBlock = new HashMap<>();

        int[] labels() {
            return byLabel.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        }

        boolean fits(int itemSize) {
            if (itemsPerBlock.size() < BLOCKS) {
                return true;
            }
            return itemsPerBlock.entrySet().stream().anyMatch(e -> sizeOfBlock.get(e.getKey()) == itemSize
                    && e.getValue() < BLOCK / itemSize);
        }
    }

    @Override
    public String name() {
        return "fsa";
    }

    @Override
    public Fsa newSystem() {
        return new Fsa(VirtualMemory.system(), BLOCK, BLOCKS);
    }

    @Override
    public Model newModel() {
        return new Model();
    }

    static Violation violation(String rule, String message) {
        return new Violation("fsa " + rule, message);
    }

    record Alloc(int label, int size) implements Action<Fsa, Model> {
        @Override
        public boolean applicable(Model m) {
            return !m.byLabel.containsKey(label) && !m.freed.containsKey(label);
        }

        @Override
        public void run(Fsa f, Model m) {
            int item = Fsa.itemSize(size);
            if (!m.fits(item)) {
                try {
                    f.allocate(size);
                    throw violation("exhaustion", toString() + " succeeded, but every block is taken");
                } catch (OutOfSpaceException expected) {
                    return;
                }
            }
            MemorySegment s = f.allocate(size);
            long a = s.address();
            if (s.byteSize() != item || a % item != 0) {
                throw violation("item", toString() + " returned " + s + "; expected " + item + " bytes aligned to it");
            }
            var below = m.byAddress.floorEntry(a + item - 1);
            if (below != null && below.getKey() + below.getValue().itemSize() > a) {
                throw violation("overlap", toString() + " overlaps item #" + below.getValue().label());
            }
            long block = a / BLOCK;
            Integer blockSize = m.sizeOfBlock.get(block);
            if (blockSize != null && m.itemsPerBlock.containsKey(block) && blockSize != item) {
                throw violation("one size per block", toString() + " put a " + item + "-byte item in a block of "
                        + blockSize);
            }
            Item it = new Item(label, a, item);
            m.byLabel.put(label, it);
            m.byAddress.put(a, it);
            m.itemsPerBlock.merge(block, 1, Integer::sum);
            m.sizeOfBlock.put(block, item);
            Patterns.fill(s, label, item);
        }

        @Override
        public List<Action<Fsa, Model>> simplifications() {
            return size <= 8 ? List.of() : List.of(new Alloc(label, 8), new Alloc(label, size / 2));
        }

        @Override
        public String toString() {
            return Encoded.format("alloc", label, size);
        }
    }

    record Free(int label) implements Action<Fsa, Model> {
        @Override
        public boolean applicable(Model m) {
            return m.byLabel.containsKey(label);
        }

        @Override
        public void run(Fsa f, Model m) {
            Item it = m.byLabel.remove(label);
            m.byAddress.remove(it.address());
            m.freed.put(label, it);
            long block = it.address() / BLOCK;
            if (m.itemsPerBlock.merge(block, -1, Integer::sum) == 0) {
                m.itemsPerBlock.remove(block);
            }
            f.free(it.address());
        }

        @Override
        public String toString() {
            return Encoded.format("free", label);
        }
    }

    /** Bad frees: 0 = interior of a live item, 1 = a freed item, 2 = foreign memory. */
    record BadFree(int label, int kind) implements Action<Fsa, Model> {
        private static final MemorySegment FOREIGN = java.lang.foreign.Arena.global().allocate(64, 64);

        @Override
        public boolean applicable(Model m) {
            return switch (kind) {
                case 0 -> m.byLabel.containsKey(label) && m.byLabel.get(label).itemSize() > 1;
                case 1 -> m.freed.containsKey(label) && !m.byAddress.containsKey(m.freed.get(label).address());
                default -> true;
            };
        }

        @Override
        public void run(Fsa f, Model m) {
            long address = switch (kind) {
                case 0 -> m.byLabel.get(label).address() + m.byLabel.get(label).itemSize() / 2;
                case 1 -> m.freed.get(label).address();
                default -> FOREIGN.address();
            };
            long block = address / BLOCK;
            boolean misaligned = m.itemsPerBlock.containsKey(block) && address % m.sizeOfBlock.get(block) != 0;
            // a stale address in a block that now serves another size may fall inside a slot: unaligned
            ItemFreeException.Kind expected = switch (kind) {
                case 0 -> ItemFreeException.Kind.UNALIGNED;
                case 1 -> misaligned ? ItemFreeException.Kind.UNALIGNED : ItemFreeException.Kind.DOUBLE;
                default -> ItemFreeException.Kind.FOREIGN;
            };
            long committed = f.committedBytes();
            long[] live = f.liveItems();
            try {
                f.free(address);
                throw violation("bad free", toString() + " was accepted; expected " + expected);
            } catch (ItemFreeException e) {
                if (e.kind() != expected || !e.getMessage().contains(Long.toHexString(address))) {
                    throw violation("bad free", toString() + " refused as " + e.kind() + ": " + e.getMessage()
                            + "; expected " + expected);
                }
            }
            if (f.committedBytes() != committed || !java.util.Arrays.equals(f.liveItems(), live)) {
                throw violation("bad free", toString() + " was refused but changed the FSA's state");
            }
        }

        @Override
        public String toString() {
            return Encoded.format("badFree", label, kind);
        }
    }

    @Override
    public List<ActionType<Fsa, Model>> actionTypes() {
        return List.of(
                new SimpleType<>("alloc", m -> 30, (r, m, l) -> new Alloc(l, r.nextInt(4) == 0
                        ? 1 + r.nextInt(Fsa.MAX_ITEM) : 1 + r.nextInt(r.nextBoolean() ? 64 : 1024)),
                        e -> new Alloc(e.label(), (int) e.arg(0))),
                new SimpleType<>("free", m -> m.byLabel.isEmpty() ? 0 : 25,
                        (r, m, l) -> new Free(m.labels()[r.nextInt(m.byLabel.size())]), e -> new Free(e.label())),
                new SimpleType<>("badFree", m -> 4, (r, m, l) -> {
                    int kind = r.nextInt(3);
                    int[] labels = kind == 0 ? m.labels()
                            : m.freed.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
                    return new BadFree(labels.length == 0 ? -1 : labels[r.nextInt(labels.length)], kind);
                }, e -> new BadFree(e.label(), (int) e.arg(0))));
    }

    @Override
    public void checkInvariants(Fsa f, Model m) {
        for (Item it : m.byLabel.values()) {
            long at = Patterns.firstMismatch(MemorySegment.ofAddress(it.address()).reinterpret(it.itemSize()),
                    it.label(), it.itemSize());
            if (at >= 0) {
                throw violation("contents", "item #" + it.label() + " lost its contents at offset " + at);
            }
        }
        long blocks = (long) m.itemsPerBlock.size() * BLOCK;
        long meta = f.committedBytes() - blocks;
        if (meta < 0 || meta > 2 * 1024 * 1024) {
            throw violation("committed", "committed " + f.committedBytes() + " bytes, but " + m.itemsPerBlock.size()
                    + " blocks are in use: empty blocks must be decommitted");
        }
        long live = java.util.Arrays.stream(f.liveItems()).sum();
        if (live != m.byLabel.size()) {
            throw violation("count", "the FSA counts " + live + " live items, the model " + m.byLabel.size());
        }
    }

    @Override
    public void dispose(Fsa f) {
        f.close();
    }
}
