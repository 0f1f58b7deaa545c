package io.vakit.stress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two threads allocating at once from glibc malloc never get overlapping blocks, and each reads back what it
 * wrote. The design is {@code -Dvakit.stress.impl} (default {@code glibc}), found through the SPI.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "disjoint blocks, both intact")
@Outcome(id = "1, .*", expect = Expect.FORBIDDEN, desc = "two threads were given overlapping blocks")
@Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "a block lost what its thread wrote")
@State
public class ConcurrentAllocationsNeverOverlap {
    private final OverlapProbe probe = new OverlapProbe(System.getProperty("vakit.stress.impl", "glibc"));

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
