package io.vakit.kit.lincheck;

import io.vakit.spec.contract.RaceKinds;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Feature;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;

/**
 * Rule T2 under Lincheck: {@code close()} racing every other call. Each scenario starts from {@link RaceSetup}; its
 * operations allocate, free, reallocate and query the set-up blocks, and close. A call completes as if before the
 * close ({@code "ok"}, {@code "answered"}) or is refused with AllocatorClosedException ({@code "closed"}); any other
 * exception fails the scenario, and so does a crash (a call that touched memory the close had already unmapped: the
 * JVM dies, and the check with it, which is why outsiders run it in a JVM of their own). Each set-up block is freed or
 * reallocated by the scenario at most once: the test answers {@code "claimed"} itself for a second use, so the
 * allocator decides only the close. No call writes to a block: after a close, no block may be touched.
 *
 * <p>Memory the allocator held is asked about the moment the close is seen. A block that an allocation racing the
 * close returned after the close had returned must not be mapped (one that passed a flag before the close and mapped
 * after it leaves a mapping behind): judged, since a correct allocator never hands out such a block unless the test
 * thread was itself delayed between the call and its check. The ranges held before the close are asked too, but only
 * printed: the kernel may give a freed range to someone else at once (a thread's 8 MiB stack took one of exactly its
 * size in a fresh-clone run, and Lincheck's replay then saw another result and reported non-determinism). The kernel
 * check of those ranges is the soak's (T2) and, for one thread, C11's.
 *
 * <p>Every run tries, besides Lincheck's random scenarios, a close raced against each operation on each kind, and
 * two closes raced.
 */
@Param(name = "kind", gen = IntGen.class, conf = "0:4")
public abstract class CloseRaceLincheck {
    private final RaceSetup setup;
    private final AtomicBoolean[] claimed = {new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean(),
        new AtomicBoolean(), new AtomicBoolean()};
    private final AtomicLong allocations = new AtomicLong();
    private final AtomicLong frees = new AtomicLong();
    private final AtomicBoolean closedByScenario = new AtomicBoolean();
    private final long setUpLive;

    /** Opens an allocator of {@code provider}'s design for this scenario, with one block of each race kind. */
    protected CloseRaceLincheck(AllocatorProvider provider) {
        this.setup = new RaceSetup(provider, false);
        CloseRaceSpec.kinds = setup.handles.length;
        this.setUpLive = setup.allocator.stats().liveCount();
    }

    /** The size an allocation of {@code kind} asks: the kinds below a large mapping (which stays the set-up's). */
    private long allocationSize(int kind) {
        List<RaceKinds> kinds = setup.kinds;
        RaceKinds k = kinds.get(setup.kind(kind));
        return k.name().equals(RaceKinds.LARGE_MAPPING) ? kinds.getFirst().size() : k.size();
    }

    /** Allocates a block of the kind's size; it stays live until the allocator closes. */
    @Operation
    public String alloc(@Param(name = "kind") int kind) {
        try {
            MemorySegment b = setup.allocator.allocate(allocationSize(kind));
            allocations.incrementAndGet();
            return handedOutAfterClose(b);
        } catch (AllocatorClosedException e) {
            return "closed";
        } catch (AddressSpaceExhaustedException e) {
            return "exhausted";
        }
    }

    /** Frees the set-up block of the kind, once per scenario. */
    @Operation
    public String free(@Param(name = "kind") int kind) {
        if (!claimed[setup.kind(kind)].compareAndSet(false, true)) {
            return "claimed";
        }
        try {
            setup.allocator.free(setup.handle(kind));
            frees.incrementAndGet();
            return "ok";
        } catch (AllocatorClosedException e) {
            return "closed";
        }
    }

    /**
     * Reallocates the set-up block of the kind to the next kind's size, once per scenario (a free where REALLOC is not
     * declared: the call still races the close).
     */
    @Operation
    public String realloc(@Param(name = "kind") int kind) {
        if (!claimed[setup.kind(kind)].compareAndSet(false, true)) {
            return "claimed";
        }
        MemorySegment b = setup.handle(kind);
        try {
            if (setup.allocator.descriptor().has(Feature.REALLOC)) {
                MemorySegment moved = setup.allocator.reallocate(b, allocationSize(kind + 1));
                return handedOutAfterClose(moved);
            }
            setup.allocator.free(b);
            frees.incrementAndGet();
            return "ok";
        } catch (AllocatorClosedException e) {
            return "closed";
        } catch (AddressSpaceExhaustedException e) {
            return "exhausted";
        }
    }

    /** Asks owner lookup, placement and containment (those declared; the stats otherwise) about the kind's block. */
    @Operation
    public String query(@Param(name = "kind") int kind) {
        MemorySegment b = setup.handle(kind);
        var d = setup.allocator.descriptor();
        try {
            if (d.has(Feature.OWNER_LOOKUP)) {
                setup.allocator.owner(b.address());
            }
            if (d.has(Feature.PLACEMENT)) {
                setup.allocator.placement(b.address());
            }
            if (d.has(Feature.CONTAINMENT)) {
                setup.allocator.owns(b.address(), b.byteSize());
            }
            if (!d.has(Feature.OWNER_LOOKUP) && !d.has(Feature.PLACEMENT) && !d.has(Feature.CONTAINMENT)) {
                setup.allocator.stats();
            }
            return "answered";
        } catch (AllocatorClosedException e) {
            return "closed";
        }
    }

    /** Closes the allocator; a range it held still mapped after is printed, not judged (see the class comment). */
    @Operation
    public String close() {
        setup.allocator.close();
        closedByScenario.set(true);
        setup.stillMapped(List.of());
        return "closed";
    }

    /**
     * {@code "ok"} for a block handed out; when the close had already returned, the block must not be mapped: the
     * call completed as if before the close, whose release covers it (see the class comment).
     */
    private String handedOutAfterClose(MemorySegment b) {
        if (closedByScenario.get()) {
            String mapped = setup.stillMapped(List.of(b));
            if (mapped != null) {
                return "ok, but " + mapped;
            }
        }
        return "ok";
    }

    /** After every scenario: once closed, a second close is quiet; otherwise the live count is what it left. */
    @Validate
    public void closedMeansReleased() {
        if (closedByScenario.get()) {
            setup.allocator.close();
            return;
        }
        long live = setup.allocator.stats().liveCount();
        long expected = setUpLive + allocations.get() - frees.get();
        if (live != expected) {
            throw new IllegalStateException("live count " + live + " after the scenario, expected " + expected);
        }
    }

    /** Model checking of the race scenarios, and {@code random} random scenarios ({@link RaceChecks#modelChecking}). */
    public static ModelCheckingOptions modelCheckingOptions(int random) {
        return RaceChecks.modelChecking(random, CloseRaceSpec.class, raceScenarios());
    }

    /** Stress mode on the race scenarios, and {@code random} random scenarios. */
    public static StressOptions stressOptions(int random) {
        return RaceChecks.stress(random, CloseRaceSpec.class, raceScenarios());
    }

    /**
     * A close raced against: an allocation of the smallest class and of the block above the table; the free of the
     * smallest block, of a container's last slot and of the large mapping; a reallocation; owner lookup, placement
     * and containment of a container's last slot; then two closes raced.
     */
    static List<ExecutionScenario> raceScenarios() {
        List<ExecutionScenario> out = new ArrayList<>();
        int[][] pairs = {{0, 0}, {0, 3}, {1, 0}, {1, 2}, {1, 4}, {2, 0}, {2, 3}, {3, 2}};
        String[] ops = {"alloc", "free", "realloc", "query"};
        for (int[] p : pairs) {
            out.add(RaceChecks.raced(actor("close"), actor(ops[p[0]], p[1])));
        }
        out.add(RaceChecks.raced(actor("close"), actor("close")));
        return out;
    }

    private static Actor actor(String name, Integer... args) {
        return RaceChecks.actor(CloseRaceLincheck.class, name, args);
    }
}
