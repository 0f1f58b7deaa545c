package io.vakit.design.partitionsfast;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.design.partitions.PartitionsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/** The direct-mapped table of heaps: one heap per thread, whatever slot two threads share. */
class FastHeapsTest {
    @Test
    void threadsWhoseIdsShareASlotStillGetAHeapEachAndKeepIt() throws Exception {
        FastSpace space = new FastSpace(PartitionsConfig.small(), "partitions-fast");
        try {
            FastHeaps heaps = new FastHeaps(space);
            int n = 300; // more than the 256 slots: some threads share one
            CyclicBarrier all = new CyclicBarrier(n);
            ConcurrentHashMap<Thread, FastHeap> seen = new ConcurrentHashMap<>();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < n; i++) {
                Thread t = new Thread(() -> {
                    try {
                        FastHeap first = heaps.current();
                        all.await(); // every thread alive at once: no heap is adopted
                        for (int r = 0; r < 100; r++) {
                            if (heaps.current() != first) {
                                throw new AssertionError("another heap on round " + r);
                            }
                        }
                        assertThat(first.thread).isSameAs(Thread.currentThread());
                        seen.put(Thread.currentThread(), first);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(seen.values().stream().distinct().count()).isEqualTo(n);
            assertThat(heaps.all()).hasSize(n);
        } finally {
            space.close();
        }
    }

    @Test
    void theHeapOfAnEndedThreadIsAdoptedByTheNextHeapAndLeavesItsSlot() throws Exception {
        FastSpace space = new FastSpace(PartitionsConfig.small(), "partitions-fast");
        try {
            FastHeaps heaps = new FastHeaps(space);
            FastHeap[] ended = new FastHeap[1];
            Thread t = new Thread(() -> ended[0] = heaps.current());
            t.start();
            t.join();
            assertThat(heaps.cached(t)).as("its slot still names it").isSameAs(ended[0]);
            FastHeap mine = heaps.current();
            assertThat(ended[0].adopted.get()).isTrue();
            assertThat(heaps.all()).containsExactly(mine);
            assertThat(heaps.cached(t)).isNull();
        } finally {
            space.close();
        }
    }
}
