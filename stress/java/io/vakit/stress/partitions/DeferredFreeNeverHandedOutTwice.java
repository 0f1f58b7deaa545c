package io.vakit.stress.partitions;

import io.vakit.design.partitions.PartitionsProvider;
import io.vakit.spi.Allocator;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Thread A (the owner) allocates a block, writes it and publishes it, then allocates twice more; thread B frees the
 * block if it sees it published, writing it first. A takes B's free back at an allocation, so the block may come
 * back to A, but never while B has not freed it, and B's writes never show in what A wrote after. r1 = B freed it;
 * r2 = A got it again; r3 = the arbiter found A's later blocks intact and apart (1).
 */
@JCStressTest
@Outcome(id = {"0, 0, 1", "1, 0, 1", "1, 1, 1"}, expect = Expect.ACCEPTABLE, desc = "reused only after its free")
@Outcome(expect = Expect.FORBIDDEN, desc = "handed out while live, or overwritten by the freeing thread")
@State
public class DeferredFreeNeverHandedOutTwice {
    private static final long SIZE = 48;
    private final Allocator allocator = new PartitionsProvider().openSmall();
    private volatile MemorySegment published;
    private MemorySegment first;
    private MemorySegment y;
    private MemorySegment z;
    private int freed;

    @Actor
    public void owner() {
        first = allocator.allocate(SIZE).fill((byte) 0x11);
        published = first;
        y = allocator.allocate(SIZE).fill((byte) 0x22);
        z = allocator.allocate(SIZE).fill((byte) 0x33);
    }

    @Actor
    public void other() {
        MemorySegment b = published;
        if (b != null) {
            b.fill((byte) 0x44);
            allocator.free(b);
            freed = 1;
        }
    }

    @Arbiter
    public void check(III_Result r) {
        r.r1 = freed;
        boolean reused = y.address() == first.address() || z.address() == first.address();
        r.r2 = reused ? 1 : 0;
        boolean apart = y.address() != z.address() && (reused || freed == 1
                || (y.address() != first.address() && z.address() != first.address()));
        boolean intact = y.get(ValueLayout.JAVA_BYTE, 0) == 0x22 && y.get(ValueLayout.JAVA_BYTE, SIZE - 1) == 0x22
                && z.get(ValueLayout.JAVA_BYTE, 0) == 0x33 && z.get(ValueLayout.JAVA_BYTE, SIZE - 1) == 0x33;
        r.r3 = apart && intact ? 1 : 0;
        allocator.close();
    }
}
