package io.vakit.stress.sized;

import io.vakit.stress.OverlapProbe;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/** Two threads allocating at once from the sized design never get overlapping blocks. */
@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "disjoint blocks, both intact")
@Outcome(id = "1, .*", expect = Expect.FORBIDDEN, desc = "two threads were given overlapping blocks")
@Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "a block lost what its thread wrote")
@State
public class SizedAllocationsNeverOverlap {
    private final OverlapProbe probe = new OverlapProbe("sized");

    @Actor
    public void first() {
        probe.first();
    }

    @Actor
    public void second() {
        probe.second();
    }

    @Arbiter
    public void check(II_Result r) {
        probe.judge(r);
    }
}
