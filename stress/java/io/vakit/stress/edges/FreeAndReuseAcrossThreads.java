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
 * One thread writes a block and frees it while another allocates the same class and writes its own block. When the
 * second thread is handed the freed block, everything the first thread wrote, and everything the allocator wrote on
 * its behalf, must have happened before: the block ends holding only the second thread's bytes. r1 = 1 when the
 * block was reused; r2 = 1 when the second thread's block holds anything else.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "another block, intact")
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "the freed block, reused, holding only the new bytes")
@Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "a write of the freeing thread landed after the reuse")
@State
public class FreeAndReuseAcrossThreads {
    private final EdgeState state = new EdgeState(EdgeState.UNKNOWN_FILL);
    private final MemorySegment freed = state.fill.getLast();
    private MemorySegment reused;

    @Actor
    public void writeAndFree() {
        freed.fill((byte) 0x11);
        state.allocator.free(freed);
    }

    @Actor
    public void allocateAndWrite() {
        reused = state.allocate((byte) 0x22);
    }

    @Arbiter
    public void check(II_Result r) {
        r.r1 = reused.address() == freed.address() ? 1 : 0;
        r.r2 = EdgeState.holds(reused, (byte) 0x22) ? 0 : 1;
        state.close();
    }
}
