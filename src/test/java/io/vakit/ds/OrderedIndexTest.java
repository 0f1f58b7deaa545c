package io.vakit.ds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.pal.VirtualMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The ordered index's edges: its pool commits page by page and reuses freed nodes; depth stays logarithmic. */
class OrderedIndexTest {

    @Test
    void thePoolCommitsAPageAtATimeAndReusesFreedNodes() {
        try (OrderedIndex x = new OrderedIndex(VirtualMemory.system(), 10_000)) {
            assertThat(x.committedBytes()).isZero();
            x.insert(1, 0, 10);
            assertThat(x.committedBytes()).isEqualTo(VirtualMemory.pageSize());
            for (int i = 2; i <= 1000; i++) {
                x.insert(i, 0, i);
            }
            long grown = x.committedBytes();
            assertThat(grown).isEqualTo(((1001L * OrderedIndex.NODE + 4095) / 4096) * 4096);
            for (int i = 1; i <= 1000; i++) {
                assertThat(x.remove(i, 0)).isTrue();
            }
            for (int i = 1; i <= 1000; i++) {
                x.insert(-i, 5, i); // the freed nodes again: nothing more committed
            }
            assertThat(x.committedBytes()).isEqualTo(grown);
            assertThat(x.ceiling(-500, 6)).hasValueSatisfying(e -> assertThat(e.key()).isEqualTo(-499));
            assertThat(x.floor(-500, 4)).hasValueSatisfying(e -> assertThat(e.key()).isEqualTo(-501));
            x.verify();
        }
    }

    @Test
    void aDuplicateOrAMissingPairIsRefused() {
        try (OrderedIndex x = new OrderedIndex(VirtualMemory.system(), 4)) {
            x.insert(3, 3, 0);
            assertThatThrownBy(() -> x.insert(3, 3, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already present");
            assertThatThrownBy(() -> x.setValue(3, 4, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not present");
            assertThat(x.remove(3, 4)).isFalse();
            assertThat(x.get(3, 3)).hasValue(new OrderedIndex.Entry(3, 3, 0));
        }
    }

    @Test
    void sortedInsertsKeepTheTreeShallow() {
        // keys in order are a plain BST's worst case; the treap's priorities keep it balanced
        try (OrderedIndex x = new OrderedIndex(VirtualMemory.system(), 1 << 20)) {
            for (int i = 0; i < 200_000; i++) {
                x.insert(i, 0, 0);
            }
            List<Long> seen = new ArrayList<>();
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < 1000; i++) {
                long k = r.nextLong(200_000);
                seen.add(x.ceiling(k, 0).orElseThrow().key());
                assertThat(seen.getLast()).isEqualTo(k);
            }
            x.verify(); // recursion over a deep tree would overflow the stack here
        }
    }
}
