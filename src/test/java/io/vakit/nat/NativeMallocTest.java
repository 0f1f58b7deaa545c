package io.vakit.nat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.InvalidAlignmentException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidSizeException;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The glibc binding: real native calls, and misuse refused before it reaches native code. */
class NativeMallocTest {

    @Test
    void allocatesAlignedUsableMemory() {
        try (Allocator a = new GlibcProvider().open()) {
            MemorySegment s = a.allocate(100, 4096);
            assertThat(s.address() % 4096).isZero();
            assertThat(a.usableSize(s)).isGreaterThanOrEqualTo(100);
            s.fill((byte) 7);
            MemorySegment r = a.reallocate(s, 5000);
            assertThat(r.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 99)).isEqualTo((byte) 7);
            assertThat(a.stats().liveBytes()).isEqualTo(5000);
            a.free(r);
            assertThat(a.stats().liveCount()).isZero();
        }
    }

    @Test
    void misuseIsTypedAndNamesOperationAddressAndDesign() {
        try (Allocator a = new GlibcProvider().open()) {
            MemorySegment s = a.allocate(64);
            String hex = "0x" + Long.toHexString(s.address() + 8);
            assertThatThrownBy(() -> a.free(s.asSlice(8))).isInstanceOf(InvalidFreeException.class)
                    .hasMessageContaining("free(address=" + hex).hasMessageContaining("'glibc'")
                    .hasMessageContaining("interior");
            a.free(s);
            assertThatThrownBy(() -> a.free(s)).isInstanceOfSatisfying(InvalidFreeException.class,
                    e -> assertThat(e.reason()).isEqualTo(InvalidFreeException.Reason.DOUBLE));
            assertThatThrownBy(() -> a.allocate(0)).isInstanceOf(InvalidSizeException.class)
                    .hasMessageContaining("size 0");
            assertThatThrownBy(() -> a.allocate(8, 3)).isInstanceOf(InvalidAlignmentException.class)
                    .hasMessageContaining("alignment 3");
            assertThat(a.stats().liveCount()).isZero();
        }
    }

    @Test
    void closeIsIdempotentAndLaterUseIsRefused() {
        Allocator a = new GlibcProvider().open();
        a.allocate(10);
        a.close();
        a.close();
        assertThatThrownBy(() -> a.allocate(10)).isInstanceOf(AllocatorClosedException.class)
                .hasMessageContaining("allocate(size=10");
    }

    @Test
    void aMissingSymbolIsNamed() {
        assertThatThrownBy(() -> NativeMalloc.Binding.of("x", Linker.nativeLinker().defaultLookup(),
                MallocSymbols.prefixed("no_such_prefix_"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no_such_prefix_malloc");
    }
}
