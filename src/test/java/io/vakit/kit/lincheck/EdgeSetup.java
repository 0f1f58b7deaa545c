package io.vakit.kit.lincheck;

import io.vakit.spi.AddressSpaceExhaustedException;
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
 * The state {@link AllocatorLincheck} starts each scenario from, on a fresh allocator: at a container's refill and
 * empty edges ({@link #atRefill}), or on a small configuration driven to exhaustion ({@link #exhausted}). Edge 0 is
 * one byte above the class below class {@code c}, edge 1 is class {@code c}'s own size, edge 2 is the next class's
 * lowest size. Every handle carries a stamp of its own, checked before it is freed; the blocks the scenario never
 * frees are kept, so that an allocation overlapping one of them is seen.
 */
final class EdgeSetup {
    /** The request whose class the refill edges work at: small enough that a container holds many blocks. */
    static final long TARGET = 96;
    /** The most blocks allocated to fill one container, and the number without a declared placement. */
    static final int MAX_FILL = 4096;
    static final int UNKNOWN_FILL = 64;
    /** The largest class a fill to exhaustion uses, and the most blocks it allocates before it gives up. */
    static final long EXHAUSTION_CLASS = 32 * 1024;
    static final int MAX_EXHAUSTION_FILL = 16_384;

    private final boolean exhaustion;
    private final long[] sizes;
    private final long[] classSizes;
    private final MemorySegment[] handles = new MemorySegment[4];
    private final byte[][] stamps = new byte[4][];
    private final List<MemorySegment> fill = new ArrayList<>();
    private final List<MemorySegment> kept = new ArrayList<>();
    private long[] keptStarts = new long[0];

    private EdgeSetup(boolean exhaustion, long[] sizes, long[] classSizes) {
        this.exhaustion = exhaustion;
        this.sizes = sizes;
        this.classSizes = classSizes;
    }

    /**
     * Brings {@code allocator}, freshly opened, to a container's edges, with no request above {@code largest} bytes.
     * Class {@code c} is {@code target} (see {@link #fastestClass}), or, given -1, the class of a {@value #TARGET}-byte
     * request (from the declared table; {@code 65..128} without one). The container that holds class {@code c}'s
     * first block is filled exactly (its capacity as its {@link Allocator#placement} states it; else, or when it
     * holds more than {@value #MAX_FILL}, 64 blocks): the scenario's next allocation of class {@code c} must
     * refill. Handles 0 and 1 are its first and last block: their frees go into a full container, racing that
     * refill. Another class (the next, or the one below the last) gets two blocks, handles 2 and 3, alone in their
     * container: freeing both empties it.
     */
    static EdgeSetup atRefill(Allocator allocator, long largest, int target) {
        Optional<SizeClassTable> table = allocator.descriptor().table();
        EdgeSetup s;
        if (table.isPresent()) {
            SizeClassTable t = table.get();
            int c = target >= 0 ? target : t.classOf(TARGET);
            int h = c + 1 < t.count() ? c + 1 : c - 1; // the handles' class: one the scenario never allocates
            long below = c > 0 ? t.size(c - 1) : 0;
            long handleSize = (h > 0 ? t.size(h - 1) : 0) + 1;
            s = new EdgeSetup(false, new long[] {below + 1, t.size(c), handleSize},
                    new long[] {t.size(c), t.size(c), t.size(h)});
        } else {
            // no table: (hi/2, hi] around a power of two (65..128 where the largest block allows); the handles of
            // "the next class" at 2*hi+1, which no common malloc serves from the bin of the class (glibc's tcache
            // bins are exact sizes), or at the largest block when that is smaller
            long max = Math.min(largest, allocator.descriptor().maxBlockSize());
            long hi = Math.max(2, Math.min(128, Long.highestOneBit(max) / 2));
            s = new EdgeSetup(false, new long[] {hi / 2 + 1, hi, Math.min(max, 2 * hi + 1)}, new long[] {-1, -1, -1});
        }
        s.fillFirstContainer(allocator);
        s.handles[2] = allocator.allocate(s.sizes[2]);
        s.handles[3] = allocator.allocate(s.sizes[2]);
        s.stampHandles();
        return s;
    }

    /**
     * The class of {@code provider}'s table whose containers fill fastest: the fewest slots per container (at least
     * {@value #MIN_CAPACITY}), among the classes of at most {@value #MAX_EDGE_CLASS} bytes, read from the placements
     * of one block of each class (each on an allocator of its own); -1 without a table or placements. So a scenario
     * starts from a container really full, and its setup stays short.
     */
    static int fastestClass(io.vakit.spi.AllocatorProvider provider) {
        return FASTEST.computeIfAbsent(provider.replayName(), k -> {
            var d = provider.descriptor();
            if (d.table().isEmpty() || !d.has(Feature.PLACEMENT)) {
                return -1;
            }
            SizeClassTable t = d.table().get();
            int best = -1;
            long bestCapacity = Long.MAX_VALUE;
            for (int c = 0; c < t.count() && t.size(c) <= Math.min(MAX_EDGE_CLASS, d.maxBlockSize()); c++) {
                try (Allocator a = provider.open()) {
                    Optional<Placement> p = a.placement(a.allocate(t.size(c)).address());
                    if (p.isPresent() && p.get().container().map(Placement.Level::capacity).orElse(0L) > 0) {
                        long capacity = p.get().container().get().capacity();
                        if (capacity >= MIN_CAPACITY && capacity < bestCapacity) {
                            best = c;
                            bestCapacity = capacity;
                        }
                    }
                }
            }
            return best;
        });
    }

    private static final java.util.Map<String, Integer> FASTEST = new java.util.concurrent.ConcurrentHashMap<>();
    /** The fewest slots a chosen container may have, and the largest class considered. */
    static final long MIN_CAPACITY = 4;
    static final long MAX_EDGE_CLASS = 64 * 1024;

    /**
     * Drives {@code small}, freshly opened on a small configuration, to exhaustion with blocks of one class
     * {@code c} (the largest class of at most {@value #EXHAUSTION_CLASS} bytes, so that the fill stays short), until
     * an allocation is refused. Handles 0 to 3 are four of those blocks; every other block is kept. From there, each
     * free of a handle makes room for exactly one allocation of class {@code c}, and nothing else does.
     */
    static EdgeSetup exhausted(Allocator small) {
        Optional<SizeClassTable> table = small.descriptor().table();
        EdgeSetup s;
        if (table.isPresent()) {
            SizeClassTable t = table.get();
            int c = t.classOf(Math.min(EXHAUSTION_CLASS, t.size(t.count() - 1)));
            long below = c > 0 ? t.size(c - 1) : 0;
            s = new EdgeSetup(true, new long[] {below + 1, t.size(c), t.size(c)},
                    new long[] {t.size(c), t.size(c), t.size(c)});
        } else {
            s = new EdgeSetup(true, new long[] {2049, 4096, 4096}, new long[] {-1, -1, -1});
        }
        try {
            while (s.fill.size() < MAX_EXHAUSTION_FILL) {
                s.fill.add(small.allocate(s.sizes[1]));
            }
            throw new IllegalStateException(small.descriptor().id() + "'s small configuration served "
                    + MAX_EXHAUSTION_FILL + " blocks of " + s.sizes[1] + " bytes and was not exhausted");
        } catch (AddressSpaceExhaustedException expected) {
            // exhausted: the state every scenario starts from
        }
        if (s.fill.size() < 6) {
            throw new IllegalStateException(small.descriptor().id() + "'s small configuration holds only "
                    + s.fill.size() + " blocks of " + s.sizes[1] + " bytes; the scenario needs 6");
        }
        int n = s.fill.size();
        s.handles[0] = s.fill.get(0);
        s.handles[1] = s.fill.get(1);
        s.handles[2] = s.fill.get(n - 2);
        s.handles[3] = s.fill.get(n - 1);
        s.keep(s.fill.subList(2, n - 2));
        s.stampHandles();
        return s;
    }

    private void fillFirstContainer(Allocator allocator) {
        MemorySegment first = allocator.allocate(sizes[1]);
        fill.add(first);
        long remaining = UNKNOWN_FILL - 1;
        if (allocator.descriptor().has(Feature.PLACEMENT)) {
            Optional<Placement> p = allocator.placement(first.address());
            if (p.isPresent() && p.get().container().map(Placement.Level::capacity).orElse(0L) > 0) {
                long capacity = p.get().container().get().capacity();
                if (capacity <= MAX_FILL) { // a container too large to fill in every scenario is left part full
                    remaining = capacity - 1 - p.get().slot().index();
                }
            }
        }
        for (long i = 0; i < Math.max(3, remaining); i++) {
            fill.add(allocator.allocate(sizes[1]));
        }
        handles[0] = first;
        handles[1] = fill.getLast();
        keep(fill.subList(1, fill.size() - 1));
    }

    private void keep(List<MemorySegment> blocks) {
        kept.addAll(blocks);
        keptStarts = blocks.stream().mapToLong(MemorySegment::address).sorted().toArray();
    }

    private void stampHandles() {
        for (int h = 0; h < 4; h++) {
            stamps[h] = new byte[(int) handles[h].byteSize()];
            Arrays.fill(stamps[h], (byte) (h + 1));
            handles[h].copyFrom(MemorySegment.ofArray(stamps[h]));
        }
    }

    /** Whether the scenario starts from exhaustion. */
    boolean exhaustion() {
        return exhaustion;
    }

    /** Whether {@code block} overlaps a block of the setup that the scenario never frees. */
    boolean overlapsKept(MemorySegment block) {
        // kept blocks all have the request size sizes[1]: the one starting last at or before the block's end decides
        int i = Arrays.binarySearch(keptStarts, block.address() + block.byteSize() - 1);
        int before = i >= 0 ? i : -i - 2;
        return before >= 0 && keptStarts[before] + sizes[1] > block.address();
    }

    /** Whether {@code block} overlaps handle {@code h}'s block. */
    boolean overlapsHandle(int h, MemorySegment block) {
        return overlap(handles[h], block);
    }

    static boolean overlap(MemorySegment a, MemorySegment b) {
        return a.address() < b.address() + b.byteSize() && b.address() < a.address() + a.byteSize();
    }

    /** The live blocks the setup left: the filled container (or the whole exhausted space) and the handles. */
    long blocks() {
        return exhaustion ? fill.size() : fill.size() + 2;
    }

    /**
     * Whether a second free of handle {@code h} is the allocator's to refuse: only at the refill edges, for handles 2
     * and 3 of the class the scenario's random allocations never use, and only where a size-class table says no
     * other class reuses their slots.
     */
    boolean allocatorDecidesSecondFree(int h) {
        return !exhaustion && h >= 2 && classSizes[2] > 0;
    }

    /** The request size of edge {@code edge}: 0 just above the class below, 1 the class, 2 the handles' next class. */
    long size(int edge) {
        return sizes[edge];
    }

    /** One of two kept blocks that stay live while the scenario races ({@code k} is 0 or 1). */
    MemorySegment kept(int k) {
        return kept.get(k);
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
}
