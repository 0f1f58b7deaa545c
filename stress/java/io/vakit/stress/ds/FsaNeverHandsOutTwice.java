package io.vakit.stress.ds;

import io.vakit.ds.Fsa;
import io.vakit.pal.VirtualMemory;
import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * No item is handed out twice: two threads allocate from the same size while one item, freed beforehand, sits on
 * the free list. r1 = 1 when both got the same item.
 */
@JCStressTest
@Outcome(id = "0", expect = Expect.ACCEPTABLE, desc = "two distinct items")
@Outcome(id = "1", expect = Expect.FORBIDDEN, desc = "one item handed to both threads")
@State
public class FsaNeverHandsOutTwice {
    private final Fsa fsa = new Fsa(VirtualMemory.system(), 64 * 1024, 1);
    private MemorySegment a;
    private MemorySegment b;

    public FsaNeverHandsOutTwice() {
        MemorySegment keep = fsa.allocate(64);
        fsa.free(fsa.allocate(64).address()); // one item on the free list, one block kept in use by 'keep'
        keep.fill((byte) 1);
    }

    @Actor
    public void first() {
        a = fsa.allocate(64);
    }

    @Actor
    public void second() {
        b = fsa.allocate(64);
    }

    @Arbiter
    public void check(I_Result r) {
        r.r1 = a.address() == b.address() ? 1 : 0;
        fsa.close();
    }
}
