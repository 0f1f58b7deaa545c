package io.vakit.kit.lincheck;

import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.Feature;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.Placement;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * Rules T3 and T4 under Lincheck: frees of the same block raced, and owner lookup, placement and containment asked
 * about a block while another thread frees it (a container's last slot: its free gives the container back; a large
 * mapping: its free unmaps it). Each scenario starts from {@link RaceSetup}: one live block of each race kind, each
 * alone in an allocator of its own, so that its free gives back everything that held it. No scenario allocates, so
 * no address is handed out again and the allocator alone decides every second free.
 *
 * <ul>
 *   <li>{@code free(kind)}: {@code "ok"}, or {@code "refused"} with InvalidFreeException (DOUBLE or UNKNOWN); a
 *       refusal for another reason is {@code "refused as <reason>"}. Exactly one of two frees succeeds
 *       ({@link FreeRaceSpec}).
 *   <li>{@code query(kind, which)}: owner lookup (0), placement (1) or containment (2), where declared, of the
 *       block's middle: {@code "answered"} when it names the block itself or nothing; {@code "wrong: ..."} when it
 *       names another block, or nothing while the block's free had not begun; an exception fails the scenario.
 * </ul>
 * After each scenario the live count is what the frees left, and every block whose free never began holds its stamp.
 *
 * <p>Every run tries, besides Lincheck's random scenarios, each kind's double free raced and each query raced
 * against the kind's free: model checking explores their interleavings at every lock, volatile and atomic.
 */
@Param(name = "kind", gen = IntGen.class, conf = "0:4")
@Param(name = "which", gen = IntGen.class, conf = "0:2")
public abstract class FreeRaceLincheck {
    private final RaceSetup setup;
    private final AtomicBoolean[] freeBegun = {new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean(),
        new AtomicBoolean(), new AtomicBoolean()};
    private final AtomicLong frees = new AtomicLong();
    private final long setUpLive;

    /** Opens an allocator of {@code provider}'s design for this scenario, with one block of each race kind. */
    protected FreeRaceLincheck(AllocatorProvider provider) {
        this.setup = new RaceSetup(provider, true);
        FreeRaceSpec.kinds = setup.handles.length;
        this.setUpLive = setup.liveCount();
    }

    /** Frees the block of the kind; a second free of it must be refused. */
    @Operation
    public String free(@Param(name = "kind") int kind) {
        freeBegun[setup.kind(kind)].set(true);
        try {
            setup.owner(kind).free(setup.handle(kind));
        } catch (InvalidFreeException e) {
            return e.reason() == InvalidFreeException.Reason.DOUBLE || e.reason() == InvalidFreeException.Reason.UNKNOWN
                    ? "refused" : "refused as " + e.reason();
        }
        frees.incrementAndGet();
        return "ok";
    }

    /** Asks about the block's middle while others may free it. */
    @Operation
    public String query(@Param(name = "kind") int kind, @Param(name = "which") int which) {
        MemorySegment b = setup.handle(kind);
        long address = b.address() + b.byteSize() / 2;
        var a = setup.owner(kind);
        var d = a.descriptor();
        String wrong;
        switch (which) {
            case 0 -> {
                if (!d.has(Feature.OWNER_LOOKUP)) {
                    return "answered";
                }
                Optional<BlockInfo> o = a.owner(address);
                wrong = judge(kind, o.map(BlockInfo::start), "owner");
            }
            case 1 -> {
                if (!d.has(Feature.PLACEMENT)) {
                    return "answered";
                }
                Optional<Placement> p = a.placement(address);
                wrong = judge(kind, p.map(x -> x.slot().start()), "placement");
            }
            default -> {
                if (!d.has(Feature.CONTAINMENT)) {
                    return "answered";
                }
                boolean owns = a.owns(b.address(), b.byteSize());
                wrong = owns || freeBegun[setup.kind(kind)].get() ? null
                        : "owns said no for a block whose free had not begun";
            }
        }
        return wrong == null ? "answered" : "wrong: " + wrong;
    }

    /** Null when {@code start} is the block's own or empty after its free began; else what is wrong. */
    private String judge(int kind, Optional<Long> start, String query) {
        MemorySegment b = setup.handle(kind);
        if (start.isPresent() && start.get() != b.address()) {
            return query + " named a block at " + (start.get() - b.address()) + " bytes from the block it was asked"
                    + " about"; // no address: Lincheck wants the same result each time it replays
        }
        if (start.isEmpty() && !freeBegun[setup.kind(kind)].get()) {
            return query + " found nothing for a block whose free had not begun";
        }
        return null;
    }

    /** After every scenario: the live count is what the frees left; every block never freed holds its stamp. */
    @Validate
    public void nothingLostNothingFreedTwice() {
        long live = setup.liveCount();
        if (live != setUpLive - frees.get()) {
            throw new IllegalStateException("live count " + live + " after the scenario, expected " + setUpLive + " - "
                    + frees.get() + " accepted frees (kinds: " + setup.describe() + ")");
        }
        for (int k = 0; k < setup.handles.length; k++) {
            if (!freeBegun[k].get() && !RaceSetup.intact(setup.handles[k])) {
                throw new IllegalStateException("the " + setup.kinds.get(k) + " block, never freed, lost its stamp");
            }
        }
    }

    /** Model checking of the race scenarios, and {@code random} random scenarios ({@link RaceChecks#modelChecking}). */
    public static ModelCheckingOptions modelCheckingOptions(int random) {
        return RaceChecks.modelChecking(random, FreeRaceSpec.class, raceScenarios());
    }

    /** Stress mode on the race scenarios, and {@code random} random scenarios. */
    public static StressOptions stressOptions(int random) {
        return RaceChecks.stress(random, FreeRaceSpec.class, raceScenarios());
    }

    /**
     * For each kind: its free raced against its free, and against owner lookup; for the kinds whose free gives back
     * most (a container's last slot, the block above the table, the large mapping), against placement and
     * containment too.
     */
    static List<ExecutionScenario> raceScenarios() {
        List<ExecutionScenario> out = new ArrayList<>();
        for (int kind = 0; kind < 5; kind++) {
            out.add(RaceChecks.raced(actor("free", kind), actor("free", kind)));
            for (int which = 0; which < (kind >= 2 ? 3 : 1); which++) {
                out.add(RaceChecks.raced(actor("free", kind), actor("query", kind, which)));
            }
        }
        return out;
    }

    private static Actor actor(String name, Integer... args) {
        return RaceChecks.actor(FreeRaceLincheck.class, name, args);
    }
}
