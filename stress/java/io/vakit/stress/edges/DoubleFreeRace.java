package io.vakit.stress.edges;

import io.vakit.spi.InvalidFreeException;
import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Two threads free the same block at once: exactly one free succeeds, the other is refused as misuse, and the block
 * is handed out at most once afterwards. Run only against implementations that detect invalid frees themselves
 * (not a native library, whose guard, not the library, would answer). r1, r2 = 1 when that thread's free was
 * accepted; r3 = 1 when the two allocations that follow got the same block.
 */
@JCStressTest
@Outcome(id = {"1, 0, 0", "0, 1, 0"}, expect = Expect.ACCEPTABLE, desc = "exactly one free accepted")
@Outcome(id = "1, 1, .*", expect = Expect.FORBIDDEN, desc = "a double free accepted twice")
@Outcome(id = "0, 0, .*", expect = Expect.FORBIDDEN, desc = "a valid free refused")
@Outcome(id = ".*, .*, 1", expect = Expect.FORBIDDEN, desc = "one block handed out twice after the race")
@State
public class DoubleFreeRace {
    private final EdgeState state = new EdgeState(EdgeState.UNKNOWN_FILL);
    private final MemorySegment twice = state.fill.getLast();

    @Actor
    public void first(III_Result r) {
        r.r1 = freeOnce();
    }

    @Actor
    public void second(III_Result r) {
        r.r2 = freeOnce();
    }

    private int freeOnce() {
        try {
            state.allocator.free(twice);
            return 1;
        } catch (InvalidFreeException refused) {
            return 0;
        }
    }

    @Arbiter
    public void check(III_Result r) {
        MemorySegment a = state.allocate((byte) 1);
        MemorySegment b = state.allocate((byte) 2);
        r.r3 = a.address() == b.address() ? 1 : 0;
        state.close();
    }
}
