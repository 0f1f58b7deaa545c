package io.vakit.stress.edges;

import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * One thread frees two blocks of a full container while the other allocates twice from the same class: the frees
 * put the container back in use (or not yet) while the allocations refill. r1 = 1 when blocks overlap (the new ones,
 * or a new one and a block still live); r2 = 1 when a block lost what was written into it.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "disjoint blocks, every live block intact")
@Outcome(id = "1, .*", expect = Expect.FORBIDDEN, desc = "a block was handed out while still live")
@Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "a live block lost what was written into it")
@State
public class FreeIntoAFullContainer {
    private final EdgeState state = new EdgeState(0);
    private final MemorySegment x = state.fill.getFirst();
    private final MemorySegment y = state.fill.getLast();
    private MemorySegment b1;
    private MemorySegment b2;

    @Actor
    public void frees() {
        state.allocator.free(x);
        state.allocator.free(y);
    }

    @Actor
    public void allocates() {
        b1 = state.allocate((byte) 0x21);
        b2 = state.allocate((byte) 0x22);
    }

    @Arbiter
    public void check(II_Result r) {
        boolean overlap = EdgeState.overlaps(b1, b2);
        boolean intact = EdgeState.holds(b1, (byte) 0x21) && EdgeState.holds(b2, (byte) 0x22);
        for (MemorySegment k : state.fill) {
            if (k != x && k != y) {
                overlap |= EdgeState.overlaps(k, b1) || EdgeState.overlaps(k, b2);
                intact &= EdgeState.holds(k, EdgeState.KEPT);
            }
        }
        r.r1 = overlap ? 1 : 0;
        r.r2 = intact ? 0 : 1;
        state.close();
    }
}
