package io.vakit.design.partitionsfast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.design.partitions.PartitionsConfig;
import io.vakit.design.partitions.PartitionsProvider;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.InvalidAlignmentException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.InvalidSizeException;
import io.vakit.spi.Placement;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Examples of partitions-fast where it differs from the plain design (which item comes next, when a remote free is
 * taken back, who adopts an ended thread's memory), where it must not (units and placements), and every refusal.
 */
class PartitionsFastAllocatorTest {
    private static MemorySegment as(long address, long size) {
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    private static void refused(Allocator a, MemorySegment s, Reason reason) {
        assertThatThrownBy(() -> a.free(s)).isInstanceOfSatisfying(InvalidFreeException.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.getMessage()).contains("free(address=0x").contains("partitions-fast");
        });
    }

    @Test
    void itPlacesEverySizeInTheSameUnitsAsThePlainDesign() {
        SplittableRandom r = new SplittableRandom(7);
        try (Allocator fast = new PartitionsFastProvider().open(); Allocator plain = new PartitionsProvider().open()) {
            for (int i = 0; i < 2000; i++) {
                long size = i % 50 == 0 ? 40_000 + r.nextLong(5_000_000) : 1 + r.nextLong(32 * 1024);
                long alignment = 1L << r.nextInt(12);
                MemorySegment f = fast.allocate(size, alignment);
                MemorySegment p = plain.allocate(size, alignment);
                Placement pf = fast.placement(f.address()).orElseThrow();
                Placement pp = plain.placement(p.address()).orElseThrow();
                assertThat(pf.path()).isEqualTo(pp.path());
                assertThat(pf.levels().get(0).index()).as("partition of %d at %d", size, alignment)
                        .isEqualTo(pp.levels().get(0).index());
                assertThat(fast.usableSize(f)).isEqualTo(plain.usableSize(p));
                assertThat(f.address() % alignment).isZero();
                if (r.nextBoolean()) {
                    fast.free(f);
                    plain.free(p);
                }
            }
        }
    }

    @Test
    void theOwnersFreedItemComesBackFirstAndFreshItemsComeInAddressOrder() {
        try (Allocator a = new PartitionsFastProvider().open()) {
            MemorySegment x = a.allocate(64);
            MemorySegment y = a.allocate(64);
            MemorySegment z = a.allocate(64);
            assertThat(y.address() - x.address()).isEqualTo(64);
            assertThat(z.address() - y.address()).isEqualTo(64);
            a.free(x);
            a.free(z);
            assertThat(a.allocate(64).address()).as("last freed first").isEqualTo(z.address());
            assertThat(a.allocate(64).address()).isEqualTo(x.address());
            assertThat(a.allocate(64).address()).as("then the bump pointer").isEqualTo(z.address() + 64);
        }
    }

    @Test
    void aRemoteFreeIsVisibleAtOnceAndItsItemReusedAfterTheOwnersNextAllocation() throws InterruptedException {
        try (Allocator a = new PartitionsFastProvider().open()) {
            MemorySegment x = a.allocate(200);
            MemorySegment keep = a.allocate(200);
            Stats before = a.stats();
            Thread other = new Thread(() -> a.free(x));
            other.start();
            other.join();
            assertThat(a.stats().liveCount()).isEqualTo(before.liveCount() - 1);
            assertThat(a.stats().liveBytes()).isEqualTo(before.liveBytes() - 200);
            assertThat(a.owner(x.address())).as("no longer live").isEmpty();
            refused(a, x, Reason.DOUBLE);
            assertThat(a.idleCommittedBound()).as("the pending free keeps its page").isGreaterThan(0);
            MemorySegment first = a.allocate(200);
            MemorySegment second = a.allocate(200);
            assertThat(List.of(first.address(), second.address())).as("taken back at the next allocation, in a batch")
                    .contains(x.address());
            a.free(first);
            a.free(second);
            a.free(keep);
            assertThat(a.stats().liveCount()).isZero();
        }
    }

    @Test
    void anEndedThreadsBlocksAndRemoteFreesPassToTheNextThreadThatOpensAHeap() throws Exception {
        try (Allocator a = new PartitionsFastProvider(PartitionsConfig.small()).open()) {
            List<MemorySegment> theirs = new ArrayList<>();
            Thread t = new Thread(() -> {
                for (int i = 0; i < 100; i++) {
                    theirs.add(a.allocate(48));
                }
                theirs.add(a.allocate(5000));
            });
            t.start();
            t.join();
            for (int i = 0; i < 50; i++) {
                a.free(theirs.get(i)); // remote frees to a heap whose thread has ended
            }
            Thread adopter = new Thread(() -> {
                MemorySegment mine = a.allocate(48); // opens a heap: adopts the ended one, collecting its frees
                for (int i = 50; i < theirs.size(); i++) {
                    a.free(theirs.get(i)); // now the adopter's own
                }
                a.free(mine);
            });
            adopter.start();
            adopter.join();
            Stats s = a.stats();
            assertThat(s.liveCount()).isZero();
            assertThat(s.liveBytes()).isZero();
            assertThat(s.committedBytes()).as("only the kept empty pages stay").isEqualTo(a.idleCommittedBound());
            PartitionsFastAllocator.Census c = ((PartitionsFastAllocator) a).census();
            assertThat(c.heaps()).as("the first heap was adopted").isEqualTo(1);
        }
    }

    @Test
    void everyRefusalNamesTheOperationAndChangesNothing() {
        try (PartitionsFastAllocator a = new PartitionsFastProvider().openFast()) {
            MemorySegment item = a.allocate(100);
            MemorySegment part = a.allocate(40_000);
            Stats before = a.stats();
            refused(a, as(item.address() + 8, 8), Reason.INTERIOR);
            refused(a, as(part.address() + 4096, 8), Reason.INTERIOR);
            refused(a, as(item.address() + 104, 8), Reason.UNKNOWN); // never handed out
            refused(a, as(0x1000, 8), Reason.FOREIGN);
            a.free(item);
            refused(a, item, Reason.DOUBLE); // its emptied page is kept: the item's state byte says FREED
            a.free(part);
            refused(a, part, Reason.UNKNOWN); // the part was given back: nothing is left to tell
            assertThatThrownBy(() -> a.allocate(0)).isInstanceOf(InvalidSizeException.class)
                    .hasMessageContaining("size=0").hasMessageContaining("partitions-fast");
            assertThatThrownBy(() -> a.allocate((8L << 30) + 1)).isInstanceOf(InvalidSizeException.class);
            assertThatThrownBy(() -> a.allocate(64, 3)).isInstanceOf(InvalidAlignmentException.class)
                    .hasMessageContaining("alignment=3");
            assertThatThrownBy(() -> a.allocate(64, 4L << 20)).isInstanceOf(InvalidAlignmentException.class);
            Stats after = a.stats();
            assertThat(after.liveCount()).isEqualTo(before.liveCount() - 2);
            assertThat(after.liveBytes()).isEqualTo(before.liveBytes() - 100 - 40_000);
        }
    }

    @Test
    void anAllocateAndFreePairAllocatesNoJavaObjectButTheReturnedSegment() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (Allocator a = new PartitionsFastProvider().open()) {
            MemorySegment[] live = new MemorySegment[1000];
            for (int i = 0; i < live.length; i++) {
                live[i] = a.allocate(64);
            }
            long sink = 0;
            for (int round = 0; round < 3; round++) { // the last round is measured, once the pair is compiled
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200_000; i++) {
                    MemorySegment s = a.allocate(64);
                    sink += s.address();
                    a.free(s);
                }
                long perPair = (threads.getCurrentThreadAllocatedBytes() - before) / 200_000;
                if (round == 2) {
                    assertThat(perPair).as("bytes allocated per pair (a MemorySegment is 40)").isLessThanOrEqualTo(48);
                }
            }
            assertThat(sink).isNotZero();
            for (MemorySegment s : live) {
                a.free(s);
            }
        }
    }

    @Test
    void afterCloseEveryCallIsRefusedAndTheMemoryIsGone() {
        PartitionsFastAllocator a = new PartitionsFastProvider().openFast();
        MemorySegment s = a.allocate(64);
        s.set(ValueLayout.JAVA_LONG, 0, 1);
        a.close();
        assertThatThrownBy(() -> a.allocate(64)).isInstanceOf(AllocatorClosedException.class)
                .hasMessageContaining("partitions-fast");
        assertThatThrownBy(() -> a.free(s)).isInstanceOf(AllocatorClosedException.class)
                .hasMessageContaining("free(address=0x");
        assertThatThrownBy(a::stats).isInstanceOf(AllocatorClosedException.class);
        assertThatThrownBy(() -> a.owner(s.address())).isInstanceOf(AllocatorClosedException.class);
        a.close(); // a second close does nothing
    }
}
