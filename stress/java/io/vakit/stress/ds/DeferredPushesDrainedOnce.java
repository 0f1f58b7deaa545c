package io.vakit.stress.ds;

import io.vakit.ds.DeferredQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A producer pushes while the owner pushes one of its own and drains: every value is drained exactly once, by the
 * owner's drain or the arbiter's. r1 = values seen (must be 2), r2 = their sum (1 + 2), r3 = how many the owner's
 * drain saw (at least its own push). Two actors, so that it runs on a machine of two CPUs (JCStress leaves out, without
 * a word, a test that needs more actors than the machine has CPUs).
 */
@JCStressTest
@Outcome(id = {"2, 3, 1", "2, 3, 2"}, expect = Expect.ACCEPTABLE, desc = "each push drained once")
@Outcome(expect = Expect.FORBIDDEN, desc = "a push lost or drained twice")
@State
public class DeferredPushesDrainedOnce {
    private final DeferredQueue queue = new DeferredQueue();
    private int seen;
    private long sum;
    private int byOwner;

    @Actor
    public void producerOne() {
        queue.push(1);
    }

    @Actor
    public void owner() {
        queue.push(2);
        byOwner = queue.drain(v -> {
            seen++;
            sum += v;
        });
    }

    @Arbiter
    public void check(III_Result r) {
        queue.drain(v -> {
            seen++;
            sum += v;
        });
        r.r1 = seen;
        r.r2 = (int) sum;
        r.r3 = byOwner;
    }
}
