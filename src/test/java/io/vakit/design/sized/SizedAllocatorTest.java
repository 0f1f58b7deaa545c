package io.vakit.design.sized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.pal.Errno;
import io.vakit.pal.FaultPlan;
import io.vakit.pal.Syscall;
import io.vakit.pal.VirtualMemory;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.InvalidAlignmentException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sized design's internals: the seed's bug path, hysteresis, families, sized-free checks, exhaustion. */
class SizedAllocatorTest {
    private static SizedAllocator open(SizedAllocator.Options options) {
        return new SizedProvider(options).openSized();
    }

    @Test
    void freeingFromAFullBlockKeepsTheSlotInsideTheBlock() {
        for (long size : new long[] {1, 2, 8192}) {
            try (SizedAllocator a = open(SizedAllocator.Options.defaults().withPolicy(ReleasePolicy.NEVER))) {
                SizedLayout layout = SizedConfig.defaults().layout(new SizedClasses().classOf(size));
                List<MemorySegment> all = new ArrayList<>();
                for (long i = 0; i < layout.capacity(); i++) {
                    all.add(a.allocateIn(0, size));
                }
                long base = all.get(0).address() & -layout.blockSize();
                assertThat(all).allMatch(s -> (s.address() & -layout.blockSize()) == base); // one full block
                MemorySegment middle = all.get((int) layout.capacity() / 2);
                a.freeIn(0, middle); // the seed's bug: re-links the block but loses this slot
                MemorySegment again = a.allocateIn(0, size);
                assertThat(again.address()).as("size %d: the freed slot comes back", size).isEqualTo(middle.address());
                MemorySegment next = a.allocateIn(0, size);
                assertThat(next.address() & -layout.blockSize()).as("a full block: the next slot is in a new block")
                        .isNotEqualTo(base);
                assertThat(a.owns(next.address(), size)).isTrue();
                assertThat(a.counters().stream().filter(c -> c.slotSize() == size && c.family() == 0).findFirst()
                        .orElseThrow().blocks()).isEqualTo(2);
            }
        }
    }

    @Test
    void aFreeThroughAnotherFamilyGetsTheSlotsOwnReasonUnlessTheSlotIsLive() {
        try (SizedAllocator a = open(SizedAllocator.Options.defaults())) {
            MemorySegment live = a.allocateIn(1, 64);
            MemorySegment freed = a.allocateIn(1, 64);
            a.freeIn(1, freed);
            assertThatThrownBy(() -> a.freeIn(0, live.asSlice(8, 8))).isInstanceOfSatisfying(InvalidFreeException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.INTERIOR));
            assertThatThrownBy(() -> a.freeIn(0, freed)).isInstanceOfSatisfying(InvalidFreeException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.DOUBLE));
            assertThatThrownBy(() -> a.freeIn(0, MemorySegment.ofAddress(freed.address() + 64).reinterpret(64)))
                    .isInstanceOfSatisfying(InvalidFreeException.class,
                            e -> assertThat(e.reason()).as("a slot never handed out").isEqualTo(Reason.UNKNOWN));
            assertThatThrownBy(() -> a.freeIn(0, live)).isInstanceOfSatisfying(InvalidFreeException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN)).hasMessageContaining("family 1");
            a.freeIn(1, live); // nothing changed: the refusals left it live
        }
    }

    private static int blocksOf(SizedAllocator a, int slot) {
        return a.counters().stream().filter(c -> c.slotSize() == slot && c.family() == 0).findFirst().orElseThrow()
                .blocks();
    }

    @Test
    void theSeedsHysteresisKeepsASpareBlock() {
        int per = 127; // 8192-byte slots per 1 MiB block
        for (ReleasePolicy policy : ReleasePolicy.values()) {
            try (SizedAllocator a = open(SizedAllocator.Options.defaults().withPolicy(policy))) {
                List<MemorySegment> all = new ArrayList<>();
                for (int i = 0; i < 3 * per; i++) {
                    all.add(a.allocateIn(0, 8192));
                }
                assertThat(blocksOf(a, 8192)).isEqualTo(3);
                for (int i = 3 * per - 1; i >= 0; i--) {
                    a.freeIn(0, all.get(i));
                }
                int expected = switch (policy) {
                    case SEED -> 1; // the last empty block stays: a spare
                    case IMMEDIATE -> 0;
                    case NEVER -> 3;
                };
                assertThat(blocksOf(a, 8192)).as(policy.name()).isEqualTo(expected);
                long idle = a.stats().committedBytes();
                assertThat(idle).as(policy.name() + ": within the idle bound").isLessThanOrEqualTo(a.idleCommittedBound());
                if (policy == ReleasePolicy.SEED) {
                    assertThat(a.idleCommittedBound()).as("one heap used: one block and its binmap").isEqualTo(idle);
                }
                assertThat(a.allocateIn(0, 8192).byteSize()).isEqualTo(8192);
            }
        }
    }

    @Test
    void familiesNeverShareABlockAndAFreeMustNameTheRightFamily() {
        try (SizedAllocator a = open(SizedAllocator.Options.defaults())) {
            Set<Long> blocks0 = new HashSet<>();
            Set<Long> blocks1 = new HashSet<>();
            List<MemorySegment> f1 = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                long size = 1 + (i * 37L) % 8192;
                long blockSize = SizedConfig.defaults().layout(new SizedClasses().classOf(size)).blockSize();
                MemorySegment s0 = a.allocateIn(0, size);
                MemorySegment s1 = a.allocateIn(1, size);
                blocks0.add(s0.address() & -blockSize);
                blocks1.add(s1.address() & -blockSize);
                f1.add(s1);
            }
            assertThat(blocks0).doesNotContainAnyElementsOf(blocks1);
            assertThatThrownBy(() -> a.freeIn(0, f1.get(0))).isInstanceOfSatisfying(InvalidFreeException.class,
                    e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN)).hasMessageContaining("family 1");
            assertThatThrownBy(() -> a.allocateIn(9, 8)).hasMessageContaining("family 9");
        }
    }

    @Test
    void aWrongSizeIsDetectedExactlyWhenItNamesAnotherClass() {
        try (SizedAllocator a = open(SizedAllocator.Options.defaults())) {
            MemorySegment s = a.allocate(100); // class 128
            Stats before = a.stats();
            assertThatThrownBy(() -> a.free(MemorySegment.ofAddress(s.address()).reinterpret(64)))
                    .isInstanceOfSatisfying(InvalidFreeException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_SIZE))
                    .hasMessageContaining("holds 128-byte slots").hasMessageContaining("'sized'");
            assertThatThrownBy(() -> a.free(MemorySegment.ofAddress(s.address()).reinterpret(20000)))
                    .isInstanceOfSatisfying(InvalidFreeException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_SIZE));
            assertThat(a.stats()).isEqualTo(before);
            a.free(MemorySegment.ofAddress(s.address()).reinterpret(120)); // same class: not detectable, harmless
            assertThat(a.stats().liveCount()).isZero();
            MemorySegment big = a.allocate(20000);
            assertThatThrownBy(() -> a.free(MemorySegment.ofAddress(big.address()).reinterpret(50000)))
                    .isInstanceOfSatisfying(InvalidFreeException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_SIZE));
            a.free(big);
        }
    }

    @Test
    void remallocKeepsThePointerWithinAClassAndRecallocZeroesTheTail() {
        try (SizedAllocator a = open(SizedAllocator.Options.defaults())) {
            MemorySegment s = a.allocateIn(0, 70).fill((byte) 9);
            MemorySegment same = a.reallocateIn(0, s, 128);
            assertThat(same.address()).isEqualTo(s.address());
            MemorySegment moved = a.reallocateZeroedIn(0, same, 1000);
            assertThat(moved.address()).isNotEqualTo(s.address());
            assertThat(moved.get(ValueLayout.JAVA_BYTE, 69)).isEqualTo((byte) 9);
            assertThat(moved.asSlice(128).elements(ValueLayout.JAVA_BYTE)
                    .allMatch(b -> b.get(ValueLayout.JAVA_BYTE, 0) == 0)).isTrue();
            a.freeIn(0, moved);
        }
    }

    @Test
    void alignmentIsTheNextPowerOfTwoUpToAPage() {
        try (SizedAllocator a = open(SizedAllocator.Options.defaults())) {
            for (long size = 1; size <= 20000; size = size * 3 / 2 + 1) {
                MemorySegment s = a.allocate(size);
                assertThat(s.address() % SizedClasses.alignmentFor(size)).as("size %d", size).isZero();
            }
            assertThatThrownBy(() -> a.allocate(3, 64)).isInstanceOf(InvalidAlignmentException.class)
                    .hasMessageContaining("allocateAligned");
            MemorySegment aligned = a.allocateAligned(3, 64);
            assertThat(aligned.byteSize()).isEqualTo(64);
            assertThat(aligned.address() % 64).isZero();
        }
    }

    @Test
    void exhaustionIsReachedAndSurvived() {
        long budget = 4L << 20; // four 1 MiB blocks and their bitmaps do not fit
        try (SizedAllocator a = open(SizedAllocator.Options.defaults().withBudget(budget))) {
            List<MemorySegment> live = new ArrayList<>();
            AddressSpaceExhaustedException ex = null;
            while (ex == null) {
                try {
                    live.add(a.allocate(8192));
                } catch (AddressSpaceExhaustedException e) {
                    ex = e;
                }
            }
            assertThat(ex).hasMessageContaining("budget of " + budget).hasMessageContaining("'sized'")
                    .hasMessageContaining("size=8192");
            Stats at = a.stats();
            assertThat(at.reservedBytes()).isLessThanOrEqualTo(budget);
            assertThatThrownBy(() -> a.allocate(8192)).isInstanceOf(AddressSpaceExhaustedException.class);
            assertThat(a.stats()).isEqualTo(at);
            a.free(live.remove(live.size() - 1));
            live.add(a.allocate(8192)); // survived: free, then allocate again
            assertThat(a.stats().liveCount()).isEqualTo(live.size());
        }
    }

    @Test
    void aFailedMmapBecomesExhaustionAndChangesNothing() {
        FaultPlan plan = FaultPlan.none();
        try (SizedAllocator a = open(SizedAllocator.Options.defaults().withVm(VirtualMemory.withFaults(plan)))) {
            a.allocate(16);
            Stats before = a.stats();
            plan.failNth(Syscall.MMAP, 1, Errno.ENOMEM);
            assertThatThrownBy(() -> a.allocate(32)).isInstanceOf(AddressSpaceExhaustedException.class)
                    .hasMessageContaining("ENOMEM").hasMessageContaining("size=32");
            assertThat(a.stats()).isEqualTo(before);
            assertThat(a.allocate(32).byteSize()).isEqualTo(32);
        }
    }

    @Test
    void countersMatchWhatWasAllocated() {
        try (SizedAllocator a = open(SizedAllocator.Options.defaults())) {
            for (int i = 0; i < 300; i++) {
                a.allocateIn(2, 1 + i % 16);
            }
            long live = a.counters().stream().filter(c -> c.family() == 2).mapToLong(ClassCounters::liveSlots).sum();
            assertThat(live).isEqualTo(300);
            assertThat(a.counters().stream().filter(c -> c.family() == 2 && c.slotSize() == 16).findFirst()
                    .orElseThrow().liveSlots()).isEqualTo(300 / 16 * 8 + Math.min(8, Math.max(0, 300 % 16 - 8)));
        }
    }
}
