package io.vakit.stress.sized;

import io.vakit.design.sized.SizedAllocator;
import io.vakit.design.sized.SizedProvider;
import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The seed's bug path, raced: two threads free one slot each from the same full block (8192-byte slots, 127 per
 * block), at once. Both slots must come back: the next two allocations get exactly those two addresses, and no
 * new block is made. r1 = 1 when the two allocations are the two freed slots; r2 = blocks of the class.
 */
@JCStressTest
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "both slots reused in the same block")
@Outcome(expect = Expect.FORBIDDEN, desc = "a slot was lost, or the block list broke")
@State
public class SizedFreesFromAFullBlock {
    private final SizedAllocator allocator = new SizedProvider().openSized();
    private final MemorySegment x;
    private final MemorySegment y;

    public SizedFreesFromAFullBlock() {
        MemorySegment[] all = new MemorySegment[127];
        for (int i = 0; i < all.length; i++) {
            all[i] = allocator.allocate(8192);
        }
        x = all[10];
        y = all[100];
    }

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
        long a = allocator.allocate(8192).address();
        long b = allocator.allocate(8192).address();
        boolean both = (a == x.address() && b == y.address()) || (a == y.address() && b == x.address());
        r.r1 = both ? 1 : 0;
        r.r2 = allocator.counters().stream().filter(c -> c.family() == 0 && c.slotSize() == 8192)
                .mapToInt(c -> c.blocks()).sum();
        allocator.close();
    }
}
