package io.vakit.stress.edges;

import io.vakit.spi.InvalidFreeException;
import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Rule T3: two threads free the same block at once, for a block of every race kind in turn (the smallest class, a
 * class edge, a container's last slot, the block above the table, a large mapping: {@link RaceState}). Exactly one
 * free succeeds, the other is refused as a double free (DOUBLE or UNKNOWN); afterwards two allocations of the kind
 * never get the same block. Run only against implementations that detect invalid frees themselves (not a native
 * library, whose guard, not the library, would answer). r1, r2: 1 when that thread's free was accepted, 0 refused as
 * a double free, 2 refused for another reason; r3 = 1 when the two allocations after the race got the same block;
 * r4: the kind. An exception of another type is an error of the test, which fails the run.
 */
@JCStressTest
@Outcome(id = {"1, 0, 0, .*", "0, 1, 0, .*"}, expect = Expect.ACCEPTABLE, desc = "exactly one free accepted")
@Outcome(id = "1, 1, .*", expect = Expect.FORBIDDEN, desc = "a double free accepted twice")
@Outcome(id = "0, 0, .*", expect = Expect.FORBIDDEN, desc = "a valid free refused")
@Outcome(id = {"2, .*", ".*, 2, .*"}, expect = Expect.FORBIDDEN, desc = "refused for another reason than a double free")
@Outcome(id = ".*, .*, 1, .*", expect = Expect.FORBIDDEN, desc = "one block handed out twice after the race")
@State
public class DoubleFreeRace {
    private final RaceState state = new RaceState();

    @Actor
    public void first(IIII_Result r) {
        r.r1 = freeOnce();
    }

    @Actor
    public void second(IIII_Result r) {
        r.r2 = freeOnce();
    }

    private int freeOnce() {
        try {
            state.allocator.free(state.block);
            return 1;
        } catch (InvalidFreeException refused) {
            return refused.reason() == InvalidFreeException.Reason.DOUBLE
                    || refused.reason() == InvalidFreeException.Reason.UNKNOWN ? 0 : 2;
        }
    }

    @Arbiter
    public void check(IIII_Result r) {
        long size = state.block.byteSize();
        MemorySegment a = state.allocator.allocate(size);
        MemorySegment b = state.allocator.allocate(size);
        r.r3 = a.address() == b.address() ? 1 : 0;
        r.r4 = state.kind;
        state.allocator.close();
    }
}
