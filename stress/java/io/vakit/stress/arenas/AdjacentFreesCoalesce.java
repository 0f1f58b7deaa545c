package io.vakit.stress.arenas;

import io.vakit.design.arenas.ArenasAllocator;
import io.vakit.design.arenas.ArenasProvider;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two threads free two neighbouring blocks of an object arena at once, between two that stay live: whatever the
 * order, the two become one free range (coalescing is complete), and a block of both their sizes is then cut exactly
 * where the first one was. r1 = the free ranges of the arena between the kept blocks; r2 = 1 when the merged block
 * came back at the first one's address.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "one merged range, reused whole")
@Outcome(expect = Expect.FORBIDDEN, desc = "a merge was lost, or the ranges broke")
@State
public class AdjacentFreesCoalesce {
    private static final long SIZE = 8192; // arena 4: 4 KiB granules
    private final ArenasAllocator allocator = (ArenasAllocator) new ArenasProvider().openSmall();
    private final MemorySegment before = allocator.allocate(SIZE);
    private final MemorySegment x = allocator.allocate(SIZE);
    private final MemorySegment y = allocator.allocate(SIZE);
    private final MemorySegment after = allocator.allocate(SIZE);

    @Actor
    public void freeX() {
        allocator.free(x);
    }

    @Actor
    public void freeY() {
        allocator.free(y);
    }

    @Arbiter
    public void check(II_Result r) {
        List<long[]> free = allocator.census().freeRanges().get(4);
        r.r1 = (int) free.stream().filter(f -> f[0] >= x.address() && f[0] < after.address()).count();
        r.r2 = allocator.allocate(2 * SIZE).address() == x.address() ? 1 : 0;
        allocator.close();
    }
}
