package io.vakit.stress.edges;

import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.Feature;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Rule T2: one thread closes the allocator while the other makes one call, each in turn: allocate, free the live
 * block, reallocate it, owner lookup, placement, containment, stats, and close. The call completes as if before the
 * close or is refused with AllocatorClosedException; any other exception is an error of the test, and a crash kills
 * the test's JVM (both fail the run). Whether memory stays mapped after the close is not asked here: JCStress opens
 * the next states' allocators while a state runs, and the kernel gives them the addresses a close just freed, which
 * would look the same (Lincheck's model checking and the soak ask it, where no other thread maps meanwhile).
 * r1: 0 the call completed, 1 refused as closed; r2: the call.
 */
@JCStressTest
@Outcome(id = {"0, .*", "1, .*"}, expect = Expect.ACCEPTABLE, desc = "completed before the close, or refused")
@State
public class CloseRace {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final int CALLS = 8;
    private final RaceState state = new RaceState();
    private final int call = Math.floorMod(NEXT.getAndIncrement(), CALLS);

    @Actor
    public void closes() {
        state.allocator.close();
    }

    @Actor
    public void calls(II_Result r) {
        var a = state.allocator;
        var d = a.descriptor();
        MemorySegment b = state.block;
        try {
            switch (call) {
                case 0 -> a.allocate(b.byteSize());
                case 1 -> a.free(b);
                case 2 -> {
                    if (d.has(Feature.REALLOC)) {
                        a.reallocate(b, b.byteSize() + 1);
                    } else {
                        a.free(b);
                    }
                }
                case 3 -> {
                    if (d.has(Feature.OWNER_LOOKUP)) {
                        a.owner(b.address());
                    }
                }
                case 4 -> {
                    if (d.has(Feature.PLACEMENT)) {
                        a.placement(b.address());
                    }
                }
                case 5 -> {
                    if (d.has(Feature.CONTAINMENT)) {
                        a.owns(b.address(), b.byteSize());
                    }
                }
                case 6 -> a.stats();
                default -> a.close();
            }
            r.r1 = 0;
        } catch (AllocatorClosedException refused) {
            r.r1 = 1;
        }
    }

    @Arbiter
    public void check(II_Result r) {
        r.r2 = call;
        state.allocator.close();
    }
}
