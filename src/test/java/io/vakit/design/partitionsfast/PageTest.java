package io.vakit.design.partitionsfast;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.design.partitions.PartitionClasses;
import io.vakit.design.partitions.PartitionsConfig;
import org.junit.jupiter.api.Test;

/** A page's tricks: the division by a reciprocal, the bump pointer and the local list, and the remote stack. */
class PageTest {
    @Test
    void theReciprocalDividesExactlyAtEveryItemEdgeOfEveryClassInTheLargestPart() {
        PartitionClasses classes = new PartitionClasses();
        long largestPart = PartitionsConfig.defaults().partBytes(PartitionsConfig.ROWS - 1);
        for (int c = 0; c < PartitionClasses.COUNT; c++) {
            int item = (int) classes.size(c);
            int capacity = (int) (largestPart / item);
            Page p = new Page(null, 0, 0, c, item, capacity, 0);
            for (long i = 0; i <= capacity; i++) {
                for (long off : new long[] {i * item - 1, i * item, i * item + 1, i * item + item / 2}) {
                    if (off >= 0 && off < largestPart) {
                        assertThat(p.itemAt(off)).as("class %d (%d B), offset %d", c, item, off)
                                .isEqualTo((int) (off / item));
                    }
                }
            }
        }
    }

    @Test
    void itemsComeFromTheBumpPointerThenFromTheLocalListLastFreedFirst() {
        Page p = new Page(null, 0, 0, 0, 16, 4, 0);
        assertThat(new int[] {p.take(), p.take(), p.take()}).containsExactly(0, 1, 2);
        assertThat(p.state(3)).as("never handed out").isEqualTo(Page.UNUSED);
        assertThat(p.claim(1, Page.FREED)).isTrue();
        p.putLocal(1);
        assertThat(p.claim(0, Page.FREED)).isTrue();
        p.putLocal(0);
        assertThat(p.claim(0, Page.FREED)).as("a second claim of a free item fails").isFalse();
        assertThat(p.state(0)).as("freed, told apart from never handed out").isEqualTo(Page.FREED);
        assertThat(new int[] {p.take(), p.take(), p.take()}).as("0 and 1 from the list, then 3 from the bump")
                .containsExactly(0, 1, 3);
        assertThat(p.take()).as("full").isEqualTo(-1);
        assertThat(p.used).isEqualTo(4);
        assertThat(p.hasRoom()).isFalse();
    }

    @Test
    void remoteFreesAreClaimedOnceAndCollectedWhole() {
        Page p = new Page(null, 0, 0, 0, 16, 8, 0);
        for (int i = 0; i < 8; i++) {
            p.take();
        }
        assertThat(p.claim(3, Page.REMOTE)).isTrue();
        assertThat(p.claim(3, Page.REMOTE)).isFalse();
        assertThat(p.claim(3, Page.FREED)).as("the owner cannot free it again either").isFalse();
        assertThat(p.pushRemote(3)).as("the first push: the stack was empty").isTrue();
        assertThat(p.claim(5, Page.REMOTE)).isTrue();
        assertThat(p.pushRemote(5)).isFalse();
        assertThat(p.state(3)).isEqualTo(Page.REMOTE);
        assertThat(p.used).as("remote items still count until collected").isEqualTo(8);
        assertThat(p.collect()).isEqualTo(2);
        assertThat(p.used).isEqualTo(6);
        assertThat(p.hasRemote()).isFalse();
        assertThat(p.state(3)).isEqualTo(Page.FREED);
        assertThat(new int[] {p.take(), p.take(), p.take()}).containsExactlyInAnyOrder(3, 5, -1);
    }

    @Test
    void concurrentRemoteFreesOfDistinctItemsAreEachCollectedOnce() throws InterruptedException {
        int n = 4096;
        Page p = new Page(null, 0, 0, 0, 16, n, 0);
        for (int i = 0; i < n; i++) {
            p.take();
        }
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int from = t;
            threads[t] = new Thread(() -> {
                for (int i = from; i < n; i += threads.length) {
                    if (p.claim(i, Page.REMOTE)) {
                        p.pushRemote(i);
                    }
                }
            });
            threads[t].start();
        }
        int collected = 0;
        for (Thread t : threads) {
            t.join();
        }
        collected += p.collect();
        assertThat(collected).isEqualTo(n);
        assertThat(p.used).isZero();
    }
}
