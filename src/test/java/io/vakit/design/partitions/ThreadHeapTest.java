package io.vakit.design.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.ds.Binmap;
import io.vakit.ds.Fsa;
import io.vakit.pal.Errno;
import io.vakit.pal.FaultPlan;
import io.vakit.pal.FaultPoint;
import io.vakit.pal.VirtualMemory;
import io.vakit.spi.AddressSpaceExhaustedException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A thread heap's carving, where a black-box check cannot reach: the failure between a pool's two binmaps. */
class ThreadHeapTest {
    /**
     * A new pool takes two binmaps of one size from the FSA. When the first takes the last item of its FSA block and
     * the second needs a new block, whose commit fails, the pool is refused: the first binmap must go back too (it
     * leaked before; rule C13 cannot see it, since pool binmaps come in pairs and the FSA's items per block are even,
     * so the kit never meets this edge: this test builds it). Each commit of the allocation is made to fail in turn;
     * every refusal leaves the FSA's live items and commits as they were, and one of them is the second binmap's.
     */
    @Test
    void aPoolWhoseSecondBinmapCannotBeHadGivesItsFirstBack() {
        PartitionClasses classes = new PartitionClasses();
        int c = 0;
        int row = PartitionClasses.row(c);
        List<String> refusals = new ArrayList<>();
        for (int skip = 0; skip < 6; skip++) {
            FaultPlan plan = FaultPlan.none();
            PartitionsConfig config = PartitionsConfig.defaults().withVm(VirtualMemory.withFaults(plan));
            PartitionsSpace space = new PartitionsSpace(config, "partitions");
            try {
                ThreadHeap h = new ThreadHeaps(space, new BlockLocator(space)).current();
                long capacity = config.partBytes(row) / classes.size(c);
                int perBlock = Fsa.DEFAULT_BLOCK / Fsa.itemSize((int) Binmap.bytesFor(capacity, Binmap.WordSize.W64));
                for (int i = 0; i < perBlock - 1; i++) {
                    space.binmap(capacity, "test", "a filler"); // the binmaps' FSA block, all but one item taken
                }
                long[] items = space.fsa.liveItems();
                long committed = space.fsa.committedBytes();
                plan.failAfter(FaultPoint.COMMIT, skip, Errno.ENOMEM);
                h.lock.lock();
                try {
                    h.item(c, "allocate(size=8)");
                    plan.cancel(FaultPoint.COMMIT);
                    continue; // this allocation made fewer commits than skip + 1
                } catch (AddressSpaceExhaustedException e) {
                    refusals.add(e.getMessage());
                } finally {
                    h.lock.unlock();
                }
                assertThat(space.fsa.liveItems()).as("FSA items after: %s", refusals.getLast()).isEqualTo(items);
                assertThat(space.fsa.committedBytes()).isEqualTo(committed);
            } finally {
                space.close();
            }
        }
        assertThat(refusals).as("one of the faults met the second binmap").anyMatch(m -> m.contains(
                "a pool's used binmap"));
    }
}
