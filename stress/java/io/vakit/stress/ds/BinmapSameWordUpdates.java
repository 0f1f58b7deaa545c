package io.vakit.stress.ds;

import io.vakit.ds.Binmap;
import io.vakit.ds.LockedBinmap;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Concurrent set and clear of bits that share one word lose no update: bit 3 is set by one thread while bit 5 is
 * cleared by the other (it starts set). r1, r2 = the final bits 3 and 5; r3 = the count.
 */
@JCStressTest
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "both updates landed")
@Outcome(expect = Expect.FORBIDDEN, desc = "an update to the shared word was lost")
@State
public class BinmapSameWordUpdates {
    private static final Binmap.WordSize WORD = Binmap.WordSize.W32;
    private final LockedBinmap map;

    public BinmapSameWordUpdates() {
        map = new LockedBinmap(Binmap.allocate(32, WORD));
        map.set(5);
    }

    @Actor
    public void setter() {
        map.set(3);
    }

    @Actor
    public void clearer() {
        map.clear(5);
    }

    @Arbiter
    public void check(III_Result r) {
        r.r1 = map.get(3) ? 1 : 0;
        r.r2 = map.get(5) ? 1 : 0;
        r.r3 = (int) map.count();
        map.close();
    }
}
