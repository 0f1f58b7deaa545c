package io.vakit.design.arenas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.pal.Errno;
import io.vakit.pal.FaultPlan;
import io.vakit.pal.Syscall;
import io.vakit.pal.VirtualMemory;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.InvalidAlignmentException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.InvalidSizeException;
import io.vakit.spi.Stats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Examples of the arenas design: routing, alignment, commits, release, every refusal, exhaustion, a failed mmap. */
class ArenasAllocatorTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    private static MemorySegment as(long address, long size) {
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    @Test
    void eachSizeGoesToItsArenaAndEachBlockToItsPlace() {
        try (ArenasAllocator a = new ArenasProvider().openArenas()) {
            MemorySegment s = a.allocate(100);
            MemorySegment t = a.allocate(100);
            assertThat(a.usableSize(s)).isEqualTo(512);
            assertThat(t.address() - s.address()).as("the lowest free slot, next to the first").isEqualTo(512);
            assertThat(a.placement(s.address()).orElseThrow().path()).isEqualTo("slab reservation/slot");
            MemorySegment o = a.allocate(3000);
            assertThat(a.usableSize(o)).as("rounded to arena 3's 16-byte granule").isEqualTo(3008);
            assertThat(a.placement(o.address()).orElseThrow().path()).isEqualTo("object reservation/block");
            MemorySegment big = a.allocate(40 * MIB);
            assertThat(a.usableSize(big)).isEqualTo(40 * MIB);
            assertThat(a.census().reservations()).extracting(ArenasAllocator.ReservationView::arena)
                    .containsExactly(0, 3, 7);
        }
    }

    @Test
    void anAlignmentAboveTheNaturalOneIsServedByAnObjectArena() {
        try (ArenasAllocator a = new ArenasProvider().openArenas()) {
            MemorySegment s = a.allocate(1, 4096);
            assertThat(s.address() % 4096).isZero();
            assertThat(a.usableSize(s)).as("a block of max(size, alignment)").isEqualTo(4096);
            MemorySegment m = a.allocate(100_000, 2 * MIB);
            assertThat(m.address() % (2 * MIB)).isZero();
            MemorySegment small = a.allocate(16, 1024); // a slab class's size: it has that class
            assertThat(a.owner(small.address()).orElseThrow().sizeClass()).isEqualTo(1);
            MemorySegment grown = a.reallocate(small, 1000);
            assertThat(grown.address()).as("a size of the same class stays in place").isEqualTo(small.address());
            a.free(grown);
            a.free(s);
            a.free(m);
            assertThat(a.stats().liveCount()).isZero();
        }
    }

    @Test
    void pagesAreCommittedWhileABlockTouchesThem() {
        try (ArenasAllocator a = new ArenasProvider().openArenas()) {
            MemorySegment b = a.allocate(64 * KIB);
            assertThat(a.census().dataCommitted()).isEqualTo(64 * KIB);
            MemorySegment c = a.allocate(3000);
            MemorySegment d = a.allocate(3000); // shares a page with c
            assertThat(a.census().dataCommitted()).isEqualTo(64 * KIB + 2 * 4096);
            a.free(c);
            assertThat(a.census().dataCommitted()).as("d still touches the shared page").isEqualTo(64 * KIB + 2 * 4096);
            a.free(d);
            assertThat(a.census().dataCommitted()).as("the spare: the two pages d alone touched, c gone")
                    .isEqualTo(64 * KIB + 2 * 4096);
            a.free(b);
            assertThat(a.census().dataCommitted()).as("b's pages are arena 4's spare, d's arena 3's")
                    .isEqualTo(64 * KIB + 2 * 4096);
            MemorySegment again = a.allocate(64 * KIB);
            assertThat(again.address()).isEqualTo(b.address());
            assertThat(a.census().dataCommitted()).as("taken from the spare").isEqualTo(64 * KIB + 2 * 4096);
            MemorySegment other = a.allocate(3000);
            assertThat(a.census().dataCommitted()).as("the first of arena 3's spare pages taken, the other one"
                    + " decommitted").isEqualTo(64 * KIB + 4096);
            a.free(other);
            a.free(again);
            assertThat(a.stats().committedBytes()).isLessThanOrEqualTo(a.idleCommittedBound());
        }
    }

    @Test
    void anEmptiedReservationGoesUnlessItIsTheArenasLast() {
        try (ArenasAllocator a = new ArenasProvider().openArenas()) {
            List<MemorySegment> blocks = new ArrayList<>();
            for (int i = 0; i < 4097; i++) { // 4096 slots of 512 bytes in 2 MiB, and one more
                blocks.add(a.allocate(512));
            }
            assertThat(a.census().reservations()).hasSize(2);
            blocks.forEach(a::free);
            assertThat(a.census().reservations()).hasSize(1);
            assertThat(a.census().dataCommitted()).as("one spare page").isEqualTo(4096);
        }
    }

    @Test
    void freeRangesMergeWithTheirNeighbours() {
        try (ArenasAllocator a = new ArenasProvider().openArenas()) {
            MemorySegment x = a.allocate(8 * KIB);
            MemorySegment y = a.allocate(8 * KIB);
            MemorySegment z = a.allocate(8 * KIB);
            a.free(x);
            a.free(z);
            assertThat(a.census().freeRanges().get(4)).hasSize(2); // x alone; z merged with the rest
            a.free(y);
            assertThat(a.census().freeRanges().get(4)).singleElement()
                    .satisfies(r -> assertThat(r[1]).isEqualTo(32 * MIB));
        }
    }

    @Test
    void everyBadInputIsRefusedTypedAndChangesNothing() {
        try (ArenasAllocator a = new ArenasProvider().openArenas(); Arena jvm = Arena.ofConfined()) {
            MemorySegment slot = a.allocate(100);
            MemorySegment block = a.allocate(10_000);
            a.free(a.allocate(700)); // a freed slot
            MemorySegment freed = a.allocate(20_000);
            a.free(freed);
            Stats before = a.stats();
            refused(a, () -> a.free(as(slot.address() + 8, 100)), Reason.INTERIOR, "free", "arenas");
            refused(a, () -> a.free(as(block.address() + 16, 10_000)), Reason.INTERIOR, "free", "arenas");
            refused(a, () -> a.free(as(slot.address() + 512, 100)), Reason.DOUBLE, "free", "arenas");
            refused(a, () -> a.free(as(freed.address(), 20_000)), Reason.DOUBLE, "free", "arenas");
            refused(a, () -> a.free(jvm.allocate(64)), Reason.FOREIGN, "free", "arenas");
            refused(a, () -> a.free(as(slot.address(), 900)), Reason.WRONG_SIZE, "free", "arenas");
            refused(a, () -> a.free(as(block.address(), 10_001)), Reason.WRONG_SIZE, "free", "arenas");
            refused(a, () -> a.reallocate(as(block.address() + 16, 10_000), 5), Reason.INTERIOR, "reallocate", "");
            assertThatThrownBy(() -> a.allocate(0)).isInstanceOf(InvalidSizeException.class)
                    .hasMessageContaining("size=0").hasMessageContaining("arenas");
            assertThatThrownBy(() -> a.allocate(3L << 30)).isInstanceOf(InvalidSizeException.class);
            assertThatThrownBy(() -> a.allocate(16, 3)).isInstanceOf(InvalidAlignmentException.class)
                    .hasMessageContaining("alignment=3");
            assertThatThrownBy(() -> a.allocate(16, 4 * MIB)).isInstanceOf(InvalidAlignmentException.class);
            assertThat(a.stats()).isEqualTo(before);
            assertThat(slot.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0)).isNotNull();
        }
    }

    private static void refused(Allocator a, Runnable call, Reason reason, String op, String design) {
        Stats before = a.stats();
        assertThatThrownBy(call::run).isInstanceOfSatisfying(InvalidFreeException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).contains(op).contains("address=0x").contains(design);
        });
        assertThat(a.stats()).isEqualTo(before);
    }

    @Test
    void theSeedsAccountingCannotUnderflow() {
        // the seed adds the requested size on allocation and subtracts the whole reservation on free
        try (ArenasAllocator a = new ArenasProvider().openArenas()) {
            for (int round = 0; round < 3; round++) {
                List<MemorySegment> blocks = new ArrayList<>();
                for (long size : new long[] {1, 600, 3000, 5000, 70_000, 3 * MIB, 40 * MIB}) {
                    blocks.add(a.allocate(size));
                }
                assertThat(a.stats().liveBytes()).isEqualTo(1 + 600 + 3000 + 5000 + 70_000 + 3 * MIB + 40 * MIB);
                blocks.forEach(a::free);
                assertThat(a.stats().liveBytes()).isZero();
                assertThat(a.stats().liveCount()).isZero();
            }
        }
    }

    @Test
    void theSmallConfigurationRunsOutAndRecovers() {
        try (Allocator a = new ArenasProvider().openSmall()) {
            List<MemorySegment> blocks = new ArrayList<>();
            Stats before;
            while (true) {
                before = a.stats();
                try {
                    blocks.add(a.allocate(4096));
                } catch (AddressSpaceExhaustedException e) {
                    assertThat(e.getMessage()).contains("arenas").contains("budget");
                    break;
                }
            }
            assertThat(a.stats()).isEqualTo(before);
            assertThat(blocks).hasSizeGreaterThan(500);
            a.free(blocks.removeLast());
            assertThat(a.allocate(4096).byteSize()).isEqualTo(4096);
        }
    }

    @Test
    void aFailedMmapIsAnExhaustionThatChangesNothing() {
        FaultPlan plan = FaultPlan.none();
        ArenasConfig config = ArenasConfig.defaults().withVm(VirtualMemory.withFaults(plan));
        try (ArenasAllocator a = new ArenasProvider(config).openArenas()) {
            a.allocate(16);
            Stats before = a.stats();
            plan.failNth(Syscall.MMAP, 1, Errno.ENOMEM);
            assertThatThrownBy(() -> a.allocate(5000)).isInstanceOf(AddressSpaceExhaustedException.class)
                    .hasMessageContaining("ENOMEM").hasMessageContaining("size=5000").hasMessageContaining("arenas");
            assertThat(a.stats()).isEqualTo(before);
            assertThat(a.allocate(5000).byteSize()).isEqualTo(5000);
        }
    }

    @Test
    void theDefaultAllocatorIsOneReservationForEverySize() {
        try (ArenasAllocator a = new ArenasDefaultProvider(VirtualMemory.system(), 16 * MIB).openDefault()) {
            assertThat(a.census().reservations()).hasSize(1);
            MemorySegment s = a.allocate(100);
            MemorySegment t = a.allocate(100);
            assertThat(t.address() - s.address()).as("best fit from the reservation's start").isEqualTo(112);
            assertThat(a.usableSize(s)).isEqualTo(112);
            MemorySegment aligned = a.allocate(10, 1 << 20);
            assertThat(aligned.address() % (1 << 20)).isZero();
            assertThatThrownBy(() -> a.allocate(8 * MIB + 16, 1 << 20)).isInstanceOf(InvalidSizeException.class);
            assertThat(a.census().reservations()).hasSize(1);
        }
    }

    @Test
    void useAfterCloseIsRefused() {
        ArenasAllocator a = new ArenasProvider().openArenas();
        MemorySegment s = a.allocate(64);
        a.close();
        a.close(); // idempotent
        assertThatThrownBy(() -> a.free(s)).isInstanceOf(AllocatorClosedException.class).hasMessageContaining("free")
                .hasMessageContaining("arenas");
        assertThatThrownBy(() -> a.allocate(64)).isInstanceOf(AllocatorClosedException.class);
        assertThatThrownBy(a::stats).isInstanceOf(AllocatorClosedException.class);
        assertThatThrownBy(a::census).isInstanceOf(AllocatorClosedException.class);
    }
}
