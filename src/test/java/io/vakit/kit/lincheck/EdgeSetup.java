package io.vakit.kit.lincheck;

import io.vakit.spi.Allocator;
import io.vakit.spi.Feature;
import io.vakit.spi.Placement;
import io.vakit.spi.SizeClassTable;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The state {@link AllocatorLincheck} starts each scenario from, on a fresh allocator. Class {@code c} is the class
 * of a {@value #TARGET}-byte request (from the declared table; {@code 65..128} without one); its edges are
 * {@code size(c-1)+1} and {@code size(c)}, and the next class's lowest size is {@code size(c)+1} (without a table:
 * 65, 128 and 257, or smaller around a smaller largest block).
 *
 * <ul>
 *   <li>The container that holds class {@code c}'s first block is filled exactly (its capacity is read from
 *       {@link Allocator#placement} where declared, else 64 blocks are allocated): the scenario's next allocation of
 *       class {@code c} must refill. Handles 0 and 1 are its first and last block: their frees go into a full
 *       container, racing that refill.
 *   <li>The next class gets two blocks, handles 2 and 3, alone in their container: freeing both empties it, racing
 *       the scenario's allocations of that class into it.
 * </ul>
 * Every handle carries a stamp of its own, checked before it is freed.
 */
final class EdgeSetup {
    /** The request whose class the scenario works at: small enough that a container holds many blocks. */
    static final long TARGET = 96;
    /** The most blocks allocated to fill one container, and the number without a declared placement. */
    static final int MAX_FILL = 4096;
    static final int UNKNOWN_FILL = 64;

    private final long[] sizes;
    private final long[] classSizes;
    private final MemorySegment[] handles = new MemorySegment[4];
    private final byte[][] stamps = new byte[4][];
    private final List<MemorySegment> fill = new ArrayList<>();
    private final java.util.Set<Long> neverFreed = new java.util.HashSet<>();

    private EdgeSetup(long[] sizes, long[] classSizes) {
        this.sizes = sizes;
        this.classSizes = classSizes;
    }

    /** Brings {@code allocator}, freshly opened, to the edges, with no request above {@code largest} bytes. */
    static EdgeSetup prepare(Allocator allocator, long largest) {
        Optional<SizeClassTable> table = allocator.descriptor().table();
        EdgeSetup s;
        if (table.isPresent()) {
            SizeClassTable t = table.get();
            int c = t.classOf(TARGET);
            long below = c > 0 ? t.size(c - 1) : 0;
            s = new EdgeSetup(new long[] {below + 1, t.size(c), t.size(c) + 1},
                    new long[] {t.size(c), t.size(c), t.size(t.classOf(t.size(c) + 1))});
        } else {
            // no table: (hi/2, hi] around a power of two (65..128 where the largest block allows); the handles of
            // "the next class" at 2*hi+1, which no common malloc serves from the bin of the class (glibc's tcache
            // bins are exact sizes), or at the largest block when that is smaller
            long max = Math.min(largest, allocator.descriptor().maxBlockSize());
            long hi = Math.max(2, Math.min(128, Long.highestOneBit(max) / 2));
            s = new EdgeSetup(new long[] {hi / 2 + 1, hi, Math.min(max, 2 * hi + 1)}, new long[] {-1, -1, -1});
        }
        s.fillFirstContainer(allocator);
        s.handles[2] = allocator.allocate(s.sizes[2]);
        s.handles[3] = allocator.allocate(s.sizes[2]);
        for (int h = 0; h < 4; h++) {
            s.stamps[h] = new byte[(int) s.handles[h].byteSize()];
            Arrays.fill(s.stamps[h], (byte) (h + 1));
            s.handles[h].copyFrom(MemorySegment.ofArray(s.stamps[h]));
        }
        return s;
    }

    private void fillFirstContainer(Allocator allocator) {
        MemorySegment first = allocator.allocate(sizes[1]);
        fill.add(first);
        long remaining = UNKNOWN_FILL - 1;
        if (allocator.descriptor().has(Feature.PLACEMENT)) {
            Optional<Placement> p = allocator.placement(first.address());
            if (p.isPresent() && p.get().levels().size() >= 2) {
                List<Placement.Level> levels = p.get().levels();
                long capacity = levels.get(levels.size() - 2).bytes() / levels.getLast().bytes();
                remaining = Math.min(MAX_FILL, capacity) - 1 - levels.getLast().index();
            }
        }
        for (long i = 0; i < Math.max(3, remaining); i++) {
            fill.add(allocator.allocate(sizes[1]));
        }
        handles[0] = first;
        handles[1] = fill.getLast();
        for (MemorySegment b : fill.subList(1, fill.size() - 1)) {
            neverFreed.add(b.address());
        }
    }

    /** Whether {@code address} is that of a setup block the scenario never frees (so no allocation may return it). */
    boolean neverFreed(long address) {
        return neverFreed.contains(address);
    }

    /** The live blocks the setup left: the filled container and the two blocks of the next class. */
    long blocks() {
        return fill.size() + 2;
    }

    /**
     * Whether a second free of handle {@code h} is the allocator's to refuse: only for handles 2 and 3, of the class
     * the scenario never allocates, and only where a size-class table says no other class reuses their slots.
     */
    boolean allocatorDecidesSecondFree(int h) {
        return h >= 2 && classSizes[2] > 0;
    }

    /** The request size of edge {@code edge}: 0 just above the class below, 1 the class, 2 the handles' next class. */
    long size(int edge) {
        return sizes[edge];
    }

    /** One of the two blocks of the full container that the scenario never frees ({@code k} is 0 or 1). */
    MemorySegment kept(int k) {
        return fill.get(1 + k);
    }

    /** Handle {@code h}'s block. */
    MemorySegment handle(int h) {
        return handles[h];
    }

    /** Whether handle {@code h} still holds its stamp: one JDK call, which model checking treats as one step. */
    boolean intact(int h) {
        return handles[h].mismatch(MemorySegment.ofArray(stamps[h])) < 0;
    }

    /** "class" when {@code block} has the declared class size of {@code edge} (or at least the request), else why not. */
    String judgeClass(Allocator allocator, MemorySegment block, int edge) {
        if (block.byteSize() < sizes[edge]) {
            return "short: " + block.byteSize() + " bytes for " + sizes[edge];
        }
        if (classSizes[edge] > 0 && allocator.descriptor().has(Feature.USABLE_SIZE)) {
            long usable = allocator.usableSize(block);
            return usable == classSizes[edge] ? "class" : "usable " + usable + ", class " + classSizes[edge];
        }
        return "class";
    }

    /** Fills {@code block} with {@code stamp}. */
    static void stamp(MemorySegment block, byte stamp) {
        block.fill(stamp);
    }
}
