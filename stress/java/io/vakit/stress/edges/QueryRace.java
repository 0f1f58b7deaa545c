package io.vakit.stress.edges;

import io.vakit.spi.BlockInfo;
import io.vakit.spi.Feature;
import io.vakit.spi.Placement;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Rule T4: one thread frees a block alone in its allocator (so the free gives back its container, and the
 * container's container) while the other asks owner lookup, placement or containment about the block's middle, in
 * turn, for every race kind ({@link RaceState}). The answer is the block itself or nothing; never another block, never
 * an exception (which is an error of the test, and fails the run). r1: 0 the block, 1 nothing, 2 another block;
 * r2: the query (0 owner, 1 placement, 2 owns; a query not declared asks the next that is); r3: the kind.
 */
@JCStressTest
@Outcome(id = {"0, .*", "1, .*"}, expect = Expect.ACCEPTABLE, desc = "the block itself, or nothing")
@Outcome(id = "2, .*", expect = Expect.FORBIDDEN, desc = "another block named for an address of the freed one")
@State
public class QueryRace {
    private static final AtomicInteger NEXT = new AtomicInteger();
    private final RaceState state = new RaceState();
    private final int query = nextQuery();

    private int nextQuery() {
        var d = state.allocator.descriptor();
        for (int i = 0; i < 3; i++) {
            int q = Math.floorMod(NEXT.getAndIncrement(), 3);
            if (q == 0 && d.has(Feature.OWNER_LOOKUP) || q == 1 && d.has(Feature.PLACEMENT)
                    || q == 2 && d.has(Feature.CONTAINMENT)) {
                return q;
            }
        }
        return 2;
    }

    @Actor
    public void frees() {
        state.allocator.free(state.block);
    }

    @Actor
    public void asks(III_Result r) {
        long start = state.block.address();
        long address = start + state.block.byteSize() / 2;
        switch (query) {
            case 0 -> {
                Optional<BlockInfo> o = state.allocator.owner(address);
                r.r1 = o.isEmpty() ? 1 : o.get().start() == start ? 0 : 2;
            }
            case 1 -> {
                Optional<Placement> p = state.allocator.placement(address);
                r.r1 = p.isEmpty() ? 1 : p.get().slot().start() == start ? 0 : 2;
            }
            default -> r.r1 = state.allocator.owns(start, state.block.byteSize()) ? 0 : 1;
        }
    }

    @Arbiter
    public void check(III_Result r) {
        r.r2 = query;
        r.r3 = state.kind;
        state.allocator.close();
    }
}
