package io.vakit.ds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.pal.VirtualMemory;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** FSA edges: item sizes, block reuse after decommit, misuse messages, close. */
class FsaTest {
    @Test
    void itemSizesArePowersOfTwoFrom8To32KiB() {
        assertThat(Fsa.itemSize(1)).isEqualTo(8);
        assertThat(Fsa.itemSize(9)).isEqualTo(16);
        assertThat(Fsa.itemSize(512)).isEqualTo(512);
        assertThat(Fsa.itemSize(32 * 1024)).isEqualTo(32 * 1024);
        assertThatThrownBy(() -> Fsa.itemSize(32 * 1024 + 1)).hasMessageContaining("1 to 32768");
        assertThatThrownBy(() -> new Fsa(VirtualMemory.system(), 1 << 20, 4)).hasMessageContaining("blockSize");
    }

    @Test
    void anEmptiedBlockIsDecommittedAndReused() {
        try (Fsa f = new Fsa(VirtualMemory.system(), 64 * 1024, 2)) {
            MemorySegment a = f.allocate(100);
            long withBlock = f.committedBytes();
            f.free(a.address());
            assertThat(f.committedBytes()).isEqualTo(withBlock - 64 * 1024);
            MemorySegment b = f.allocate(4000);
            assertThat(b.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0)).as("recommitted memory reads zero").isZero();
            assertThatThrownBy(() -> f.free(b.address() + 8)).isInstanceOfSatisfying(ItemFreeException.class,
                    e -> assertThat(e.kind()).isEqualTo(ItemFreeException.Kind.UNALIGNED))
                    .hasMessageContaining("0x" + Long.toHexString(b.address() + 8));
        }
    }

    @Test
    void exhaustionIsTypedAndSurvivable() {
        try (Fsa f = new Fsa(VirtualMemory.system(), 32 * 1024, 1)) {
            MemorySegment a = f.allocate(32 * 1024);
            assertThatThrownBy(() -> f.allocate(8)).isInstanceOf(OutOfSpaceException.class)
                    .hasMessageContaining("all 1 blocks");
            f.free(a.address());
            assertThat(f.allocate(8).byteSize()).isEqualTo(8);
        }
    }

    @Test
    void useAfterCloseIsRefused() {
        Fsa f = new Fsa(VirtualMemory.system(), 64 * 1024, 1);
        f.close();
        f.close();
        assertThatThrownBy(() -> f.allocate(8)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
