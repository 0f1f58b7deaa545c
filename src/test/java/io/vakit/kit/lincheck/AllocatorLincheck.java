package io.vakit.kit.lincheck;

import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Feature;
import io.vakit.spi.InvalidFreeException;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;

/**
 * Linearizability of allocate, free and owner lookup from several threads, against {@link AllocatorSpec}, a model
 * with state the allocator can get wrong. Each scenario starts from an allocator already at the edges where races
 * live ({@link EdgeSetup}), one of two:
 *
 * <ul>
 *   <li>{@link Edges#REFILL}: the container of class {@code c} is exactly full, so the scenario's next allocation
 *       must refill; handles 0 and 1 are blocks of it, whose frees go into a full container; handles 2 and 3 are the
 *       only blocks of the next class's container, so freeing both empties it (and may release it while the other
 *       thread refills).
 *   <li>{@link Edges#EXHAUSTION}: a small configuration ({@link AllocatorProvider#openSmall}) filled with blocks of
 *       class {@code c} until refused; the four handles are blocks of it. An allocation succeeds exactly when a free
 *       made room for it before; with {@link Feature#OWNER_REUSES_REMOTE_FREES}, never (each free is deferred to the
 *       setup's thread, which allocates no more).
 * </ul>
 *
 * <p>The operations:
 * <ul>
 *   <li>{@code alloc(edge)} at one of class {@code c}'s edges: {@code "class"} when the block's usable size is the
 *       declared class size (at least the request without a table), else what it was; {@code "overlap"} when it
 *       overlaps a block still live (a block of the setup the scenario never frees, a handle whose free has not
 *       begun, or a block the scenario allocated); {@code "exhausted"} when refused for space. The block is stamped
 *       and stays live until the allocator closes.
 *   <li>{@code free(handle)}: {@code "ok"}; {@code "corrupt"} when the block no longer held its stamp (another
 *       thread was given memory inside it); {@code "refused"} when it was freed before (a double free of handle 2
 *       or 3 raced from two threads must be refused by the allocator exactly once, where a table is declared).
 *   <li>{@code owner(handle)}, where {@link Feature#OWNER_LOOKUP} is declared: {@code "live"} when a block that
 *       stays live is found with its own start, whatever races around it.
 * </ul>
 *
 * <p>After each scenario the allocator's live count must agree with what the scenario left live, every block the
 * scenario allocated must still hold its stamp (a freeing thread's late write into a block handed out again shows
 * here), and so must every handle never freed.
 *
 * <p>Besides Lincheck's random scenarios, every run tries the scenarios of {@link #edgeScenarios}: a refill raced
 * from two threads, two frees into one full container and then its slots used, a free into a full container while
 * the other thread allocates from it, a double free raced; at exhaustion, a free racing the allocation it makes
 * room for.
 *
 * <p>A subclass names the implementation with a public no-argument constructor; Lincheck creates one instance per
 * scenario, and each opens its own allocator (the previous one is closed then).
 */
@Param(name = "edge", gen = IntGen.class, conf = "0:1")
@Param(name = "handle", gen = IntGen.class, conf = "0:3")
public abstract class AllocatorLincheck {
    /** Where each scenario starts. */
    public enum Edges {
        /** A container exactly full, and another that two frees empty. */
        REFILL,
        /** A small configuration driven to exhaustion. */
        EXHAUSTION
    }

    private static final byte STAMP = 0x5A;
    /**
     * Structures whose state is all off heap, always used under their owner's lock: model checking sees none of their
     * memory, so a tree descent looks to it like a spin loop that makes no progress, and it reports a hang. It treats
     * their calls as single steps instead (it could not interleave inside them anyway).
     */
    private static final String[] OFF_HEAP_ONLY = {"io.vakit.ds.OrderedIndex", "io.vakit.ds.BestFitIndex",
        "io.vakit.ds.RangeMap"};
    /**
     * The JDK's collections, which implementations use for their bookkeeping (a {@code TreeMap} of mappings, a
     * {@code HashMap} of caches): model checking treats each call as one step. Inside them it saw a walk down a tree of a
     * few hundred entries, taken under the implementation's lock, as a spin that makes no progress (after 10
     * iterations it switches threads, "active lock detected"), and reported the execution hung: a failure of the
     * harness, not the implementation. Their internals are correct; what model checking must explore is how the
     * implementation uses them, between those calls (a race inside an unlocked collection is still stress mode's to
     * find).
     */
    private static final String[] JDK_COLLECTIONS = {"java.util.TreeMap", "java.util.TreeSet", "java.util.HashMap",
        "java.util.HashSet", "java.util.LinkedHashMap", "java.util.LinkedHashSet", "java.util.ArrayDeque",
        "java.util.ArrayList", "java.util.BitSet"};

    private final Allocator allocator;
    private final EdgeSetup setup;
    private final boolean ownerDeclared;
    private final List<MemorySegment> allocated = new ArrayList<>();
    private final AtomicLong frees = new AtomicLong();
    private final AtomicBoolean[] claimed = flags();
    private final AtomicBoolean[] freeBegun = flags();

    /** Opens an allocator of {@code provider}'s design for this scenario and brings it to the refill edges. */
    protected AllocatorLincheck(AllocatorProvider provider) {
        this(provider, Long.MAX_VALUE, Edges.REFILL);
    }

    /** The same, starting from {@code edges}; {@link Edges#EXHAUSTION} needs {@link Feature#SMALL_CONFIGURATION}. */
    protected AllocatorLincheck(AllocatorProvider provider, Edges edges) {
        this(provider, Long.MAX_VALUE, edges);
    }

    /**
     * At the refill edges, for an implementation that serves no request above {@code largest} bytes although it does
     * not say so in its descriptor (a native pool of fixed slots).
     */
    protected AllocatorLincheck(AllocatorProvider provider, long largest) {
        this(provider, largest, Edges.REFILL);
    }

    private AllocatorLincheck(AllocatorProvider provider, long largest, Edges edges) {
        boolean exhaustion = edges == Edges.EXHAUSTION;
        if (exhaustion && !provider.descriptor().has(Feature.SMALL_CONFIGURATION)) {
            throw new IllegalArgumentException(provider.id() + " does not declare SMALL_CONFIGURATION: it cannot be "
                    + "driven to exhaustion");
        }
        this.allocator = exhaustion ? provider.openSmall() : provider.open();
        ScenarioAllocators.opened(allocator);
        this.setup = exhaustion ? EdgeSetup.exhausted(allocator)
                : EdgeSetup.atRefill(allocator, largest, EdgeSetup.fastestClass(provider));
        this.ownerDeclared = provider.descriptor().has(Feature.OWNER_LOOKUP);
        AllocatorSpec.ownerDeclared = ownerDeclared;
        AllocatorSpec.exhaustion = exhaustion;
        AllocatorSpec.ownerReuses = provider.descriptor().has(Feature.OWNER_REUSES_REMOTE_FREES);
    }

    private static AtomicBoolean[] flags() {
        return new AtomicBoolean[] {new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean()};
    }

    /** Allocates at one of the class's edges and stamps the block, which stays live until the allocator closes. */
    @Operation
    public String alloc(@Param(name = "edge") int edge) {
        long size = setup.size(edge);
        MemorySegment block;
        try {
            block = allocator.allocate(size);
        } catch (AddressSpaceExhaustedException e) {
            return "exhausted";
        }
        String verdict = setup.judgeClass(allocator, block, edge);
        block.fill(STAMP);
        boolean overlap = setup.overlapsKept(block);
        for (int h = 0; h < 4; h++) {
            // a handle whose free had not begun when the allocation returned was live all through it
            overlap |= !freeBegun[h].get() && setup.overlapsHandle(h, block);
        }
        synchronized (allocated) {
            for (MemorySegment other : allocated) {
                overlap |= EdgeSetup.overlap(other, block);
            }
            allocated.add(block);
        }
        return overlap ? "overlap" : verdict;
    }

    /**
     * Frees handle {@code handle} after checking its stamp. Handles 0 and 1 are in the class the scenario allocates
     * from, so a later allocation may rightly reuse their addresses, which makes a second free of them a legal free
     * of the new block: the test frees each of them once and answers {@code "refused"} itself after that. Handles 2
     * and 3 are in a class the scenario's random allocations never use: where a size-class table is declared, the
     * allocator alone decides their second free. Without a table nothing keeps an allocation of another size from
     * reusing their addresses (glibc splits freed chunks), so the test claims them once too; so it does at
     * exhaustion, where every handle is of the class the scenario allocates.
     */
    @Operation
    public String free(@Param(name = "handle") int handle) {
        if (!setup.allocatorDecidesSecondFree(handle) && !claimed[handle].compareAndSet(false, true)) {
            return "refused";
        }
        freeBegun[handle].set(true);
        MemorySegment block = setup.handle(handle);
        // a handle whose second free the allocator decides may be freed by the other thread at this very moment, and
        // a freed block's pages may be gone (decommitted): its stamp is checked after the scenario, if never freed
        boolean intact = setup.allocatorDecidesSecondFree(handle) || setup.intact(handle);
        try {
            allocator.free(block);
        } catch (InvalidFreeException e) {
            return "refused";
        }
        frees.incrementAndGet();
        return intact ? "ok" : "corrupt";
    }

    /**
     * Where owner lookup is declared: whether one of two blocks that stay live (chosen by {@code handle}'s parity)
     * is still found, with its own start, while the others race around it. A freed handle is not looked up: a
     * later allocation may rightly reuse its address.
     */
    @Operation
    public String owner(@Param(name = "handle") int handle) {
        if (!ownerDeclared) {
            return "n/a";
        }
        MemorySegment kept = setup.kept(handle & 1);
        return allocator.owner(kept.address()).filter(b -> b.start() == kept.address()).isPresent() ? "live" : "none";
    }

    /**
     * After every scenario: the allocator's live count is what the scenario left live (the setup's blocks, plus the
     * allocations, minus the frees it accepted): a free lost in a race, or one accepted twice, shows here. Every
     * block the scenario allocated still holds its stamp, and so does every handle never freed: a write that landed
     * in a block after it was handed out again (a freeing thread's late write, an overlap) shows here.
     */
    @Validate
    public void liveCountAgrees() {
        long expected;
        List<MemorySegment> blocks;
        synchronized (allocated) {
            expected = setup.blocks() + allocated.size() - frees.get();
            blocks = List.copyOf(allocated);
        }
        long actual = allocator.stats().liveCount();
        if (actual != expected) {
            throw new IllegalStateException("live count " + actual + " after the scenario, expected " + expected
                    + " (" + setup.blocks() + " set up, " + blocks.size() + " allocated, " + frees.get() + " freed)");
        }
        for (MemorySegment b : blocks) {
            long at = b.mismatch(MemorySegment.ofArray(new byte[(int) b.byteSize()]).fill(STAMP));
            if (at >= 0) {
                throw new IllegalStateException("the block at 0x" + Long.toHexString(b.address()) + " ("
                        + b.byteSize() + " bytes), allocated by the scenario and still live, was overwritten at offset "
                        + at + " (it holds 0x" + Integer.toHexString(b.getAtIndex(java.lang.foreign.ValueLayout.JAVA_BYTE,
                        at) & 0xFF) + ")");
            }
        }
        for (int h = 0; h < 4; h++) {
            if (!freeBegun[h].get() && !setup.intact(h)) {
                throw new IllegalStateException("handle " + h + " at 0x" + Long.toHexString(setup.handle(h).address())
                        + ", never freed, lost its stamp");
            }
        }
    }

    /** Stress mode at the refill edges: real threads, many invocations; scaled by {@code -Dvakit.lincheck.scale}. */
    public static StressOptions stressOptions() {
        return stressOptions(Edges.REFILL);
    }

    /** Stress mode from {@code edges}. */
    public static StressOptions stressOptions(Edges edges) {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        return withEdgeScenarios(new StressOptions().iterations(6 * scale).invocationsPerIteration(120).threads(2)
                .actorsPerThread(3), edges);
    }

    /** Model checking at the refill edges: Lincheck chooses the interleavings at on-heap synchronisation points. */
    public static ModelCheckingOptions modelCheckingOptions() {
        return modelCheckingOptions(Edges.REFILL);
    }

    /** Model checking from {@code edges}. */
    public static ModelCheckingOptions modelCheckingOptions(Edges edges) {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        return withEdgeScenarios(withGuarantees(new ModelCheckingOptions().iterations(6 * scale)
                .invocationsPerIteration(100).threads(2).actorsPerThread(3)), edges);
    }

    /**
     * {@code options} with the calls model checking takes as single steps: the off-heap structures vakit's designs
     * use under their locks, and the JDK's collections (see {@link #JDK_COLLECTIONS}).
     */
    static ModelCheckingOptions withGuarantees(ModelCheckingOptions options) {
        return options.addGuarantee(ManagedStrategyGuaranteeKt.forClasses(OFF_HEAP_ONLY).allMethods().treatAsAtomic())
                .addGuarantee(ManagedStrategyGuaranteeKt.forClasses(JDK_COLLECTIONS).allMethods().treatAsAtomic());
    }

    /**
     * Both modes on {@code test}, starting from {@code edges}: stress mode with {@code stressIterations} random
     * scenarios, then model checking with {@code modelIterations}, each scaled by {@code -Dvakit.lincheck.scale}, and
     * the edge scenarios in both.
     */
    public static void checkBothModes(Class<? extends AllocatorLincheck> test, Edges edges, int stressIterations,
            int modelIterations) {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        check(stressOptions(edges).iterations(stressIterations * scale), test);
        check(modelCheckingOptions(edges).iterations(modelIterations * scale), test);
    }

    /**
     * Runs Lincheck with {@code options} on {@code test}; when it fails, throws an {@link AssertionError} that says
     * whose failure it is ({@link LincheckVerdict}): the implementation's (with Lincheck's report), or the harness's
     * (a class Lincheck could not load, an internal error, a timeout), which is no verdict on the implementation.
     */
    public static void check(Options<?, ?> options, Class<?> test) {
        ScenarioAllocators.startCloser();
        try {
            options.check(test);
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError e && !(t instanceof InternalError)) {
                throw e;
            }
            LincheckVerdict v = LincheckVerdict.of(t);
            throw new LincheckFailed(v, t);
        }
    }

    /** A Lincheck check that failed, and whose failure it was. */
    public static final class LincheckFailed extends AssertionError {
        private static final long serialVersionUID = 1L;
        private final transient LincheckVerdict verdict;

        LincheckFailed(LincheckVerdict verdict, Throwable cause) {
            super(verdict.headline() + "\n" + verdict.detail(), cause);
            this.verdict = verdict;
        }

        /** Whose failure, and what Lincheck reported. */
        public LincheckVerdict verdict() {
            return verdict;
        }
    }

    private static <O extends Options<O, ?>> O withEdgeScenarios(O options, Edges edges) {
        options.sequentialSpecification(AllocatorSpec.class);
        for (ExecutionScenario s : edgeScenarios(edges)) {
            options.addCustomScenario(s);
        }
        return options;
    }

    /**
     * The scenarios every run tries, whatever Lincheck generates: where the races of a slab allocator live.
     * At the refill edges:
     * <ol>
     *   <li>both threads allocate three times from the full class: a refill raced, and the first slots of the
     *       container it opens;
     *   <li>both threads free into the full container, then three allocations use its slots;
     *   <li>one thread frees into the full container while the other allocates twice from the class;
     *   <li>both threads free handle 2 (exactly one free may succeed), then handle 3 empties the container and two
     *       allocations of that class follow.
     * </ol>
     * At exhaustion: a free racing the allocation it makes room for; each thread frees, then allocates; both
     * allocate with no room.
     */
    static List<ExecutionScenario> edgeScenarios(Edges edges) {
        if (edges == Edges.EXHAUSTION) {
            return List.of(
                    scenario(List.of(List.of(freeActor(0)), List.of(allocActor(1))), List.of(allocActor(1))),
                    scenario(List.of(List.of(freeActor(0), allocActor(1)), List.of(freeActor(1), allocActor(0))), List.of(allocActor(1))),
                    scenario(List.of(List.of(allocActor(1)), List.of(allocActor(0))), List.of()));
        }
        return List.of(
                scenario(List.of(List.of(allocActor(1), allocActor(0), allocActor(1)),
                        List.of(allocActor(0), allocActor(1), allocActor(0))), List.of(allocActor(1))),
                scenario(List.of(List.of(freeActor(0)), List.of(freeActor(1))), List.of(allocActor(1), allocActor(1), allocActor(1))),
                scenario(List.of(List.of(freeActor(0)), List.of(allocActor(1), allocActor(0))), List.of(allocActor(1))),
                scenario(List.of(List.of(freeActor(2)), List.of(freeActor(2))), List.of(freeActor(3), allocActor(2), allocActor(2))));
    }

    private static ExecutionScenario scenario(List<List<Actor>> parallel, List<Actor> post) {
        return new ExecutionScenario(List.of(), parallel, post, null);
    }

    private static Actor allocActor(int edge) {
        return actor("alloc", edge);
    }

    private static Actor freeActor(int handle) {
        return actor("free", handle);
    }

    private static Actor actor(String name, int arg) {
        try {
            Method m = AllocatorLincheck.class.getMethod(name, int.class);
            return new Actor(m, List.of(arg));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}
