package io.vakit.ds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Binmap edges: levels, the full and empty edges at 2^24 bits, and bad indices. */
class BinmapTest {

    @Test
    void levelsFollowTheWordSize() {
        assertThat(Binmap.levelsFor(1, Binmap.WordSize.W32)).isEqualTo(1);
        assertThat(Binmap.levelsFor(32, Binmap.WordSize.W32)).isEqualTo(1);
        assertThat(Binmap.levelsFor(33, Binmap.WordSize.W32)).isEqualTo(2);
        assertThat(Binmap.levelsFor(1 << 20, Binmap.WordSize.W32)).isEqualTo(4); // the original's maximum
        assertThat(Binmap.levelsFor(1 << 24, Binmap.WordSize.W32)).isEqualTo(5);
        assertThat(Binmap.levelsFor(1 << 24, Binmap.WordSize.W64)).isEqualTo(4);
        assertThat(Binmap.bytesFor(1024, Binmap.WordSize.W32)).isEqualTo((32 + 1) * 4);
    }

    @Test
    void fillsAndDrains16MiBits() {
        try (Binmap b = Binmap.allocate(1 << 24, Binmap.WordSize.W32)) {
            for (long i = 0; i < (1 << 24); i++) {
                assertThat(b.findAndSet()).isEqualTo(i);
            }
            assertThat(b.findFree()).isEqualTo(-1);
            assertThat(b.count()).isEqualTo(1 << 24);
            b.verify();
            b.clear(12_345_678);
            assertThat(b.findFree()).isEqualTo(12_345_678);
            assertThat(b.nextFree(0)).isEqualTo(12_345_678);
            assertThat(b.previousFree((1 << 24) - 1)).isEqualTo(12_345_678);
            assertThat(b.nextFree(12_345_679)).isEqualTo(-1);
            b.reset();
            assertThat(b.count()).isZero();
            assertThat(b.findFree()).isZero();
        }
    }

    @Test
    void paddingIsNeverFound() {
        try (Binmap b = Binmap.allocate(33, Binmap.WordSize.W32)) {
            for (int i = 0; i < 33; i++) {
                b.set(i);
            }
            assertThat(b.findFree()).isEqualTo(-1);
            assertThat(b.nextFree(32)).isEqualTo(-1);
        }
    }

    @Test
    void badIndicesAndCapacitiesAreRefused() {
        try (Binmap b = Binmap.allocate(10, Binmap.WordSize.W64)) {
            assertThatThrownBy(() -> b.set(10)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("set(10) on a binmap of 10 bits");
            assertThatThrownBy(() -> b.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        }
        assertThatThrownBy(() -> Binmap.allocate(0, Binmap.WordSize.W32)).hasMessageContaining("capacity=0");
        assertThatThrownBy(() -> Binmap.over(java.lang.foreign.MemorySegment.ofArray(new byte[4]), 1000,
                Binmap.WordSize.W32)).hasMessageContaining("storage of 4 bytes");
    }

    /** Runs: across a word boundary, at a stride, the whole binmap, and none past the padding. */
    @Test
    void runsOfFreeBitsAreFoundLowestFirstAtTheirStride() {
        try (Binmap b = Binmap.allocate(256, Binmap.WordSize.W64)) {
            assertThat(b.findRun(256, 1)).isZero();
            assertThat(b.findRun(257, 1)).isEqualTo(-1);
            b.setRange(0, 60);
            assertThat(b.findRun(8, 1)).isEqualTo(60); // 60..67 crosses the first word
            assertThat(b.findRun(8, 8)).isEqualTo(64);
            assertThat(b.findRun(64, 64)).isEqualTo(64);
            b.set(100);
            assertThat(b.findRun(64, 64)).isEqualTo(128);
            assertThat(b.findRun(41, 1)).isEqualTo(101);
            b.setRange(128, 128);
            assertThat(b.findRun(64, 1)).isEqualTo(-1);
            assertThat(b.findRun(39, 1)).isEqualTo(60); // 60..99 holds 40
            b.clearRange(0, 256);
            assertThat(b.count()).isZero();
            assertThatThrownBy(() -> b.findRun(4, 3)).hasMessageContaining("power of two");
        }
    }
}
