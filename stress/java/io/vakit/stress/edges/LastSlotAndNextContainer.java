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
 * Two threads allocate {@value #EACH} blocks each, back to back, from a class whose container has one free slot
 * left: one allocation gets the last slot, and the others race each other into the refill that opens the next
 * container and the first slots of it. r1 = 1 when two blocks overlap (each other, or a block of the full
 * container); r2 = 1 when a block lost what was written into it.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "disjoint blocks, every block intact")
@Outcome(id = "1, .*", expect = Expect.FORBIDDEN, desc = "two threads were given overlapping blocks")
@Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "a block lost what was written into it")
@State
public class LastSlotAndNextContainer {
    static final int EACH = 16;
    private final EdgeState state = new EdgeState(1);
    private final MemorySegment[] a = new MemorySegment[EACH];
    private final MemorySegment[] b = new MemorySegment[EACH];

    @Actor
    public void first() {
        allocate(a, 0x10);
    }

    @Actor
    public void second() {
        allocate(b, 0x20);
    }

    private void allocate(MemorySegment[] into, int stamp) {
        for (int i = 0; i < into.length; i++) {
            into[i] = state.allocator.allocate(state.size); // back to back: stamped after the last
        }
        for (int i = 0; i < into.length; i++) {
            into[i].fill((byte) (stamp + i));
        }
    }

    @Arbiter
    public void check(II_Result r) {
        MemorySegment[] all = new MemorySegment[2 * EACH];
        System.arraycopy(a, 0, all, 0, EACH);
        System.arraycopy(b, 0, all, EACH, EACH);
        r.r1 = state.overlap(null, all) ? 1 : 0;
        boolean intact = state.fillIntact(null);
        for (int i = 0; i < EACH; i++) {
            intact &= EdgeState.holds(a[i], (byte) (0x10 + i)) && EdgeState.holds(b[i], (byte) (0x20 + i));
        }
        r.r2 = intact ? 0 : 1;
        state.close();
    }
}
