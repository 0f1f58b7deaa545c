package io.vakit.ds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Examples of the deferred-free queue: order, empty drains, its snapshot, and pushes from many real threads each
 * drained once.
 */
class DeferredQueueTest {
    @Test
    void drainsInPushOrderAndEmptiesTheQueue() {
        DeferredQueue q = new DeferredQueue();
        List<Long> out = new ArrayList<>();
        assertThat(q.drain(out::add)).isZero();
        assertThat(q.isEmpty()).isTrue();
        q.push(1);
        q.push(2);
        q.push(3);
        assertThat(q.isEmpty()).isFalse();
        assertThat(q.drain(out::add)).isEqualTo(3);
        assertThat(out).containsExactly(1L, 2L, 3L);
        assertThat(q.isEmpty()).isTrue();
        q.push(4);
        assertThat(q.drain(out::add)).isEqualTo(1);
        assertThat(out).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void forEachPendingShowsWhatIsQueuedWithoutTakingIt() {
        DeferredQueue q = new DeferredQueue();
        List<Long> seen = new ArrayList<>();
        assertThat(q.forEachPending(seen::add)).isZero();
        q.push(1);
        q.push(2);
        assertThat(q.forEachPending(seen::add)).isEqualTo(2);
        assertThat(seen).containsExactly(2L, 1L);
        List<Long> drained = new ArrayList<>();
        assertThat(q.drain(drained::add)).isEqualTo(2);
        assertThat(drained).containsExactly(1L, 2L);
        seen.clear();
        assertThat(q.forEachPending(seen::add)).isZero();
        assertThat(seen).isEmpty();
    }

    @Test
    void everyPushOfFourThreadsIsDrainedExactlyOnceWhileTheOwnerDrains() throws InterruptedException {
        DeferredQueue q = new DeferredQueue();
        int threads = 4;
        int each = 50_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> producers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long base = (long) t << 32;
            Thread p = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < each; i++) {
                    q.push(base + i);
                }
            });
            p.start();
            producers.add(p);
        }
        long[] next = new long[threads];
        int[] seen = {0};
        start.countDown();
        Runnable drainOnce = () -> q.drain(v -> {
            int t = (int) (v >>> 32);
            assertThat(v & 0xFFFF_FFFFL).as("producer %d's values in its push order", t).isEqualTo(next[t]);
            next[t]++;
            seen[0]++;
        });
        while (producers.stream().anyMatch(Thread::isAlive)) {
            drainOnce.run();
        }
        for (Thread p : producers) {
            p.join();
        }
        drainOnce.run();
        assertThat(seen[0]).isEqualTo(threads * each);
        assertThat(next).containsOnly(each);
    }
}
