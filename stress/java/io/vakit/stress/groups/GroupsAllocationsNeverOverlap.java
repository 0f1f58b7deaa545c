package io.vakit.stress.groups;

import io.vakit.design.groups.GroupsConfig;
import io.vakit.design.groups.GroupsProvider;
import io.vakit.stress.OverlapProbe;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two threads allocating at once from the groups design (a small layout, so that the many states JCStress keeps
 * alive fit the address space) never get overlapping items.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "disjoint items, both intact")
@Outcome(id = "1, .*", expect = Expect.FORBIDDEN, desc = "two threads were given overlapping items")
@Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "an item lost what its thread wrote")
@State
public class GroupsAllocationsNeverOverlap {
    private final OverlapProbe probe = new OverlapProbe(new GroupsProvider(GroupsConfig.small(21, 2)).open());

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
