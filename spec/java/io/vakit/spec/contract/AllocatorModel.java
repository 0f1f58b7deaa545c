package io.vakit.spec.contract;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorFault;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import io.vakit.spi.SizeClassTable;
import io.vakit.spi.Stats;
import io.vakit.spec.engine.Violation;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The truth about one allocator: which blocks are live (by label and by address), which were freed, what was
 * written into each, whether it is closed, and how often each {@link Rule} was checked. Its checks compare an
 * {@link Allocator} against it and raise a {@link Violation} naming the rule.
 */
public final class AllocatorModel {
    /**
     * A block as the model knows it.
     *
     * @param label the label of the action that allocated it
     * @param address its start
     * @param size its requested size
     * @param written how many leading bytes hold the label's pattern
     */
    public record Block(int label, long address, long size, long written) {
        boolean contains(long a) {
            return a >= address && a - address < size;
        }

        MemorySegment segment() {
            return MemorySegment.ofAddress(address).reinterpret(size);
        }
    }

    private final DesignDescriptor design;
    private final TreeMap<Long, Block> byAddress = new TreeMap<>();
    private final Map<Integer, Block> byLabel = new HashMap<>();
    private final Map<Integer, Block> freed = new HashMap<>();
    private final Map<String, Long> coverage = new TreeMap<>();
    private final io.vakit.spec.layout.Anchors anchors = new io.vakit.spec.layout.Anchors();
    private boolean closed;
    private long liveBytes;

    /** An empty model of a fresh allocator of {@code design}. */
    public AllocatorModel(DesignDescriptor design) {
        this.design = design;
    }

    /** The design modelled. */
    public DesignDescriptor design() {
        return design;
    }

    /** What the allocator's placements so far fixed, for the layout law. */
    public io.vakit.spec.layout.Anchors anchors() {
        return anchors;
    }

    /** True once the allocator was closed. */
    public boolean closed() {
        return closed;
    }

    /** Records the close: every block is gone. */
    public void close() {
        closed = true;
        byAddress.clear();
        byLabel.clear();
        liveBytes = 0;
    }

    /** The live block labelled {@code label}. */
    public Optional<Block> live(int label) {
        return Optional.ofNullable(byLabel.get(label));
    }

    /** The freed block labelled {@code label}, as it was when freed. */
    public Optional<Block> freed(int label) {
        return Optional.ofNullable(freed.get(label));
    }

    /** The live block containing {@code address}. */
    public Optional<Block> containing(long address) {
        Map.Entry<Long, Block> e = byAddress.floorEntry(address);
        return e != null && e.getValue().contains(address) ? Optional.of(e.getValue()) : Optional.empty();
    }

    /** The number of live blocks. */
    public int liveCount() {
        return byLabel.size();
    }

    /** Every live block. */
    public Iterable<Block> liveBlocks() {
        return byLabel.values();
    }

    /** The live blocks' labels, in ascending order. */
    public int[] liveLabels() {
        return byLabel.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    /** The freed blocks' labels whose address is not inside a live block now, ascending. */
    public int[] staleLabels() {
        return freed.values().stream().filter(b -> containing(b.address()).isEmpty()).mapToInt(Block::label)
                .sorted().toArray();
    }

    /** Counts one check of {@code rule}. */
    public void hit(Rule rule) {
        coverage.merge(rule.label(), 1L, Long::sum);
    }

    /** How often each rule was checked. */
    public Map<String, Long> coverage() {
        return Map.copyOf(coverage);
    }

    /** A violation of {@code rule}. */
    public Violation violation(Rule rule, String message) {
        return new Violation(rule.label(), message);
    }

    /**
     * Checks a block just returned for a request of {@code size} bytes at {@code alignment} (1 if none was
     * asked): its size, containment, overlap, alignment, and size class. Records nothing.
     */
    public void checkNewBlock(Allocator system, String op, MemorySegment block, long size, long alignment) {
        long a = block.address();
        if (block.byteSize() != size) {
            throw violation(Rule.C2_NO_OVERLAP, op + " returned a segment of " + block.byteSize() + " bytes, not "
                    + size);
        }
        if (design.has(Feature.CONTAINMENT)) {
            hit(Rule.C1_CONTAINMENT);
            if (!system.owns(a, size)) {
                throw violation(Rule.C1_CONTAINMENT, op + " returned " + hex(a) + "+" + size
                        + ", outside the allocator's reserved address space");
            }
        }
        hit(Rule.C2_NO_OVERLAP);
        Map.Entry<Long, Block> below = byAddress.floorEntry(a + size - 1);
        if (a == 0 || below != null && below.getKey() + below.getValue().size() > a) {
            throw violation(Rule.C2_NO_OVERLAP, op + " returned " + hex(a) + "+" + size + ", which overlaps "
                    + (a == 0 ? "NULL" : "live block #" + below.getValue().label() + " at "
                            + hex(below.getKey()) + "+" + below.getValue().size()));
        }
        hit(Rule.C3_ALIGNMENT);
        long need = Math.max(alignment, design.alignment().alignmentFor(size));
        if ((a & (need - 1)) != 0) {
            throw violation(Rule.C3_ALIGNMENT, op + " returned " + hex(a) + ", not aligned to " + need
                    + " (asked " + alignment + ", guaranteed " + design.alignment().alignmentFor(size) + ")");
        }
        checkClass(system, op, a, size);
    }

    private void checkClass(Allocator system, String op, long a, long size) {
        if (Rule.C4_SIZE_CLASS.skipReason(design).isPresent()) {
            return;
        }
        SizeClassTable table = design.sizeClasses();
        int c = table.classOf(size);
        if (c < 0) {
            return;
        }
        hit(Rule.C4_SIZE_CLASS);
        long usable = design.has(Feature.USABLE_SIZE)
                ? system.usableSize(MemorySegment.ofAddress(a).reinterpret(size))
                : system.owner(a).map(io.vakit.spi.BlockInfo::usableSize).orElse(-1L);
        if (usable != table.size(c)) {
            throw violation(Rule.C4_SIZE_CLASS, op + ": block " + hex(a) + " has usable size " + usable
                    + ", but the table's class " + c + " for " + size + " bytes is " + table.size(c));
        }
    }

    /** Records a new live block. */
    public void add(int label, long address, long size, long written) {
        Block b = new Block(label, address, size, written);
        byAddress.put(address, b);
        byLabel.put(label, b);
        freed.remove(label);
        liveBytes += size;
    }

    /** Records that the block labelled {@code label} now holds its pattern over {@code written} bytes. */
    public void written(int label, long written) {
        Block b = byLabel.get(label);
        Block now = new Block(label, b.address(), b.size(), written);
        byLabel.put(label, now);
        byAddress.put(b.address(), now);
    }

    /** Records the free of a live block. */
    public Block remove(int label) {
        Block b = byLabel.remove(label);
        byAddress.remove(b.address());
        liveBytes -= b.size();
        freed.put(label, b);
        return b;
    }

    /** Checks live bytes and count, and the footprint where declared. */
    public void checkStats(Allocator system) {
        hit(Rule.C8_STATS);
        Stats s = system.stats();
        if (s.liveCount() != byLabel.size() || s.liveBytes() != liveBytes) {
            throw violation(Rule.C8_STATS, "stats say " + s.liveCount() + " live blocks of " + s.liveBytes()
                    + " bytes; the model has " + byLabel.size() + " of " + liveBytes);
        }
        if (design.has(Feature.FOOTPRINT)) {
            hit(Rule.C11_FOOTPRINT);
            if (s.committedBytes() > s.reservedBytes() || s.committedBytes() < s.liveBytes()) {
                throw violation(Rule.C11_FOOTPRINT, "committed " + s.committedBytes() + " must lie between live "
                        + s.liveBytes() + " and reserved " + s.reservedBytes());
            }
        }
    }

    /** Checks that every written byte of every live block still holds its pattern. */
    public void checkContents(Rule rule, String after) {
        for (Block b : byLabel.values()) {
            if (b.written() > 0) {
                hit(rule);
                long at = Patterns.firstMismatch(b.segment(), b.label(), b.written());
                if (at >= 0) {
                    throw violation(rule, "after " + after + ", block #" + b.label() + " at " + hex(b.address())
                            + " lost its contents at offset " + at);
                }
            }
        }
    }

    /**
     * Runs {@code misuse}, which must throw {@code type} with a message naming the design and each of
     * {@code mentions}, and leave stats and contents as they were.
     */
    public <E extends RuntimeException> E expectRefusal(Allocator system, Rule rule, String op, Class<E> type,
            Runnable misuse, String... mentions) {
        hit(rule);
        Stats before = closed ? null : system.stats();
        E fault;
        try {
            misuse.run();
            throw violation(rule, op + " was accepted; expected " + type.getSimpleName());
        } catch (Violation v) {
            throw v;
        } catch (RuntimeException e) {
            if (!type.isInstance(e)) {
                throw new Violation(rule.label(), op + " threw " + e.getClass().getName() + " (" + e.getMessage()
                        + "); expected " + type.getSimpleName(), e);
            }
            fault = type.cast(e);
        }
        String message = String.valueOf(fault.getMessage());
        if (!(fault instanceof AllocatorFault) || !message.contains(design.id())) {
            throw violation(rule, op + ": the message must name the design '" + design.id() + "': " + message);
        }
        for (String m : mentions) {
            if (!message.contains(m)) {
                throw violation(rule, op + ": the message must name " + m + ": " + message);
            }
        }
        if (before != null) {
            Stats after = system.stats();
            if (!after.equals(before)) {
                throw violation(rule, op + " was refused but changed the stats from " + before + " to " + after);
            }
            checkContents(rule, "refused " + op);
        }
        return fault;
    }

    static String hex(long a) {
        return "0x" + Long.toHexString(a);
    }
}
