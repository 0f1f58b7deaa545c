package io.vakit.stress.edges;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Feature;
import io.vakit.spi.Placement;
import io.vakit.spi.SizeClassTable;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One allocator of the implementation the test names by its package (or {@code -Dvakit.stress.impl}, default {@code
 * glibc}: {@link #providerOf}), found through the SPI, brought to a container's edge for one JCStress state: the container that holds the first block of class
 * {@code c} is filled up to {@code freeSlots} free slots, its capacity the one its placement states
 * ({@link Placement.Level#capacity()}; 64 blocks without one). Class {@code c} is the class whose containers fill fastest: the one with the
 * fewest slots per container, at least {@value #MIN_CAPACITY}, found once per implementation and JVM from the placements; without
 * placements, the class of a {@value #TARGET}-byte request (128 bytes without a table). So a state is cheap to set
 * up, and the threads of one state cross a refill, or empty a container, several times. Every block of the fill is
 * stamped with {@link #KEPT}. A design that declares {@link Feature#SMALL_CONFIGURATION} is opened small: JCStress
 * holds thousands of states at once, and the small configuration has the same containers on the same code path.
 */
public final class EdgeState {
    private static final StackWalker CALLER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final java.util.Map<String, AllocatorProvider> PROVIDERS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.Map<String, Long> SIZES = new java.util.concurrent.ConcurrentHashMap<>();
    /** The request whose class the edges are at. */
    static final long TARGET = 96;
    /** The most blocks a fill allocates, and the number without a declared placement. */
    static final int MAX_FILL = 4096;
    public static final int UNKNOWN_FILL = 64;
    /** The stamp of the fill's blocks. */
    public static final byte KEPT = 0x33;
    /** The fewest slots per container a chosen class may have. */
    static final long MIN_CAPACITY = 4;
    /** The implementation this state's allocator is of. */
    public final AllocatorProvider provider;
    /** The allocator of this state. */
    public final Allocator allocator;
    /** Class {@code c}'s size: every request of the edge tests. */
    public final long size;
    /** The fill, in allocation order. */
    public final List<MemorySegment> fill = new ArrayList<>();

    /**
     * A fresh allocator whose class-{@code c} container has {@code freeSlots} free slots left, of the implementation
     * of the test that makes the state ({@link #providerOf}).
     */
    public EdgeState(int freeSlots) {
        this(providerOf(CALLER.getCallerClass()), freeSlots);
    }

    private EdgeState(AllocatorProvider provider, int freeSlots) {
        this.provider = provider;
        allocator = open(provider);
        size = SIZES.computeIfAbsent(provider.id(), id -> chooseSize(provider));
        MemorySegment first = allocator.allocate(size);
        fill.add(first);
        long capacity = UNKNOWN_FILL;
        long index = 0;
        Optional<List<Placement.Level>> levels = containerLevels(allocator, first);
        if (levels.isPresent()) {
            capacity = Math.min(MAX_FILL, capacity(levels.get()));
            index = levels.get().getLast().index();
        }
        for (long i = index + 1; i < capacity - freeSlots; i++) {
            fill.add(allocator.allocate(size));
        }
        for (MemorySegment b : fill) {
            b.fill(KEPT);
        }
    }

    /**
     * The implementation a test runs against: the design its package names ({@code io.vakit.stress.edges.<design>},
     * underscores for dashes: the copies DesignEdgeTests generates), or {@code -Dvakit.stress.impl} (default {@code
     * glibc}) for the originals in {@code io.vakit.stress.edges}.
     */
    public static AllocatorProvider providerOf(Class<?> test) {
        String pkg = test.getPackageName();
        String id = pkg.equals(EdgeState.class.getPackageName()) ? System.getProperty("vakit.stress.impl", "glibc")
                : pkg.substring(pkg.lastIndexOf('.') + 1).replace('_', '-');
        return PROVIDERS.computeIfAbsent(id, EdgeState::provider);
    }

    /** A fresh allocator of {@code p}: its small configuration where declared. */
    static Allocator open(AllocatorProvider p) {
        return p.descriptor().has(Feature.SMALL_CONFIGURATION) ? p.openSmall() : p.open();
    }

    /** The levels of {@code block}'s placement when it shows a container that states its capacity. */
    private static Optional<List<Placement.Level>> containerLevels(Allocator a, MemorySegment block) {
        if (!a.descriptor().has(Feature.PLACEMENT)) {
            return Optional.empty();
        }
        return a.placement(block.address()).filter(p -> p.container().map(Placement.Level::capacity).orElse(0L) > 0)
                .map(Placement::levels);
    }

    /** The capacity the container level states. */
    private static long capacity(List<Placement.Level> levels) {
        return levels.get(levels.size() - 2).capacity();
    }

    /** The class whose containers fill fastest (see the class comment): each class asked on an allocator of its own. */
    private static long chooseSize(AllocatorProvider provider) {
        Optional<SizeClassTable> table = provider.descriptor().table();
        long fallback = table.map(t -> t.size(t.classOf(TARGET)))
                .orElse(Math.min(128, provider.descriptor().maxBlockSize()));
        long best = fallback;
        long bestCapacity = Long.MAX_VALUE;
        for (int c = 0; table.isPresent() && c < table.get().count(); c++) {
            try (Allocator a = open(provider)) {
                if (a.descriptor().table().map(t -> t.count()).orElse(0) <= c) {
                    break; // a small configuration may have fewer classes
                }
                long size = a.descriptor().table().get().size(c);
                if (size > a.descriptor().maxBlockSize()) {
                    break; // a small configuration may serve only the table's lower classes
                }
                Optional<List<Placement.Level>> levels = containerLevels(a, a.allocate(size));
                if (levels.isPresent() && capacity(levels.get()) >= MIN_CAPACITY
                        && capacity(levels.get()) < bestCapacity) {
                    best = size;
                    bestCapacity = capacity(levels.get());
                }
            }
        }
        return best;
    }

    /**
     * The provider {@code id} names, found without loading any other: every JCStress fork runs this, and loading
     * every installed native library into a JVM only to find a Java design is how a fork once died (a SIGSEGV in the
     * JVM right after the libraries were bound).
     */
    static AllocatorProvider provider(String id) {
        return io.vakit.spec.contract.ContractMachines.provider(id).orElseThrow(() -> new IllegalStateException(
                "no AllocatorProvider with id '" + id + "' on the class path"));
    }

    /** A block of class {@code c}, stamped with {@code stamp}. */
    public MemorySegment allocate(byte stamp) {
        return allocator.allocate(size).fill(stamp);
    }

    /** Whether any two of {@code blocks}, or any of them and a fill block other than {@code freed}, overlap. */
    public boolean overlap(MemorySegment freed, MemorySegment... blocks) {
        for (int i = 0; i < blocks.length; i++) {
            for (int j = i + 1; j < blocks.length; j++) {
                if (overlaps(blocks[i], blocks[j])) {
                    return true;
                }
            }
            for (MemorySegment k : fill) {
                if (k != freed && overlaps(k, blocks[i])) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether every fill block other than {@code freed} still holds {@link #KEPT}. */
    public boolean fillIntact(MemorySegment freed) {
        for (MemorySegment k : fill) {
            if (k != freed && !holds(k, KEPT)) {
                return false;
            }
        }
        return true;
    }

    /** Whether two blocks share a byte. */
    public static boolean overlaps(MemorySegment a, MemorySegment b) {
        return a.address() < b.address() + b.byteSize() && b.address() < a.address() + a.byteSize();
    }

    /** Whether every byte of {@code s} is {@code value}. */
    public static boolean holds(MemorySegment s, byte value) {
        return s.mismatch(MemorySegment.ofArray(new byte[(int) s.byteSize()]).fill(value)) < 0;
    }

    /** Closes the allocator: every state is judged once. */
    public void close() {
        allocator.close();
    }
}
