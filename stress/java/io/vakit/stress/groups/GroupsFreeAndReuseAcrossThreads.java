package io.vakit.stress.groups;

import io.vakit.design.groups.GroupsAllocator;
import io.vakit.design.groups.GroupsConfig;
import io.vakit.design.groups.GroupsProvider;
import java.lang.foreign.MemorySegment;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * One thread writes an item and frees it while another allocates the same class and writes its own item. When the
 * second thread is handed the freed item, the first thread's writes must all have happened before: the item ends
 * holding only the second thread's bytes. r1 = 1 when the item was reused; r2 = 1 when the second thread's item
 * holds anything else.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "a fresh item, intact")
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "the freed item, reused, holding only the new bytes")
@Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "the freeing thread's writes landed after the reuse")
@State
public class GroupsFreeAndReuseAcrossThreads {
    private static final long SIZE = 64;
    private final GroupsAllocator allocator = new GroupsProvider(GroupsConfig.small(21, 2)).openGroups();
    private final MemorySegment freed = allocator.allocate(SIZE);
    private MemorySegment reused;

    @Actor
    public void writeAndFree() {
        freed.fill((byte) 0x11);
        allocator.free(freed);
    }

    @Actor
    public void allocateAndWrite() {
        reused = allocator.allocate(SIZE).fill((byte) 0x22);
    }

    @Arbiter
    public void check(II_Result r) {
        r.r1 = reused.address() == freed.address() ? 1 : 0;
        long mismatch = reused.asSlice(0, SIZE).mismatch(MemorySegment.ofArray(new byte[(int) SIZE]).fill((byte) 0x22));
        r.r2 = mismatch == -1 ? 0 : 1;
        allocator.close();
    }
}
