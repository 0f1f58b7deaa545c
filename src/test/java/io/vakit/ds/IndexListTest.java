package io.vakit.ds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** The index lists at the edges of their sentinel, and the machine catching a link written out of place. */
class IndexListTest {

    private static IndexList list(Arena arena, IndexList.Width width, long nodes, MemorySegment head) {
        long stride = 2L * width.linkBytes();
        MemorySegment records = arena.allocate(nodes * stride);
        IndexList l = new IndexList(width, records.address(), stride, 0, width.linkBytes(), head);
        l.clear();
        return l;
    }

    @Test
    void aU8ListNamesAll256NodesAndItsEmptyHeadIsAValueNoNodeHas() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment head = arena.allocate(2);
            IndexList l = list(arena, IndexList.Width.U8, 256, head);
            assertThat(Short.toUnsignedInt(head.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0))).isEqualTo(IndexList.EMPTY8);
            l.pushFront(255);
            assertThat(l.first()).isEqualTo(255);
            assertThat(l.next(255)).isEqualTo(IndexList.NONE);
            assertThat(l.previous(255)).isEqualTo(IndexList.NONE);
            l.pushBack(0);
            assertThat(l.toArray()).containsExactly(255, 0);
            assertThat(l.last()).isZero();
            l.remove(255);
            assertThat(l.toArray()).containsExactly(0);
            l.remove(0);
            assertThat(l.isEmpty()).isTrue();
            assertThatThrownBy(() -> l.pushFront(256)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("node 256");
        }
    }

    @Test
    void aU16ListNamesNode65535WithAFourByteHead() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment head = arena.allocate(4);
            IndexList l = list(arena, IndexList.Width.U16, 65536, head);
            l.pushFront(0xFFFF);
            l.pushFront(0);
            assertThat(l.toArray()).containsExactly(0, 0xFFFF);
            assertThat(l.popFront()).isZero();
            assertThat(l.popFront()).isEqualTo(0xFFFF);
            assertThat(l.popFront()).isEqualTo(IndexList.NONE);
            assertThat(head.get(ValueLayout.JAVA_INT_UNALIGNED, 0)).isEqualTo(-1);
            assertThatThrownBy(() -> new IndexList(IndexList.Width.U16, 0, 4, 0, 2, arena.allocate(2)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 bytes");
        }
    }

    @Test
    void anAddressListEndsInZeroAndRefusesNodeZero() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment records = arena.allocate(3 * 16L, 8);
            MemorySegment head = MemorySegment.ofArray(new long[1]); // a head may live on the heap
            IndexList l = new IndexList(IndexList.Width.ADDRESS, 0, 1, 0, 8, head);
            l.clear();
            long a = records.address();
            long b = a + 16;
            l.pushBack(a);
            l.pushBack(b);
            assertThat(l.toArray()).containsExactly(a, b);
            assertThat(records.get(ValueLayout.JAVA_LONG, 16)).isZero(); // b's next: the end
            l.remove(a);
            assertThat(l.first()).isEqualTo(b);
            assertThat(l.previous(b)).isEqualTo(IndexList.NONE);
            assertThatThrownBy(() -> l.pushFront(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** The machine's canaries: a list whose links overlap the bytes beside them (a wrong offset) is caught. */
    @Test
    void theMachineCatchesALinkWrittenOverItsNeighbour() {
        IndexListMachine overlapping = new IndexListMachine(IndexList.Width.U16) {
            @Override
            public System newSystem() {
                return new System(IndexList.Width.U16) {
                    @Override
                    IndexList overLinks(MemorySegment records, MemorySegment head) {
                        return new IndexList(width, records.address(), stride, 1, 3, head); // prev at 3, not 4
                    }
                };
            }
        };
        Verdict v = Engine.check(overlapping, new Settings(Settings.DEFAULT_SEED, 10, 30));
        assertThat(v.passed()).isFalse();
        assertThat(v.failure().violation().rule()).isEqualTo("index list bounds");
    }
}
