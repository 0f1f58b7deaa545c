package io.vakit.design.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.pal.Errno;
import io.vakit.pal.FaultPlan;
import io.vakit.pal.Syscall;
import io.vakit.pal.VirtualMemory;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.InvalidAlignmentException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.InvalidSizeException;
import io.vakit.spi.Placement;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The groups design's own cases: misuse of every kind (typed, named, nothing changed), Group C, the commit and
 * decommit policy with its anti-thrashing rules, exhaustion of a small reservation, and failed system calls.
 */
class GroupsAllocatorTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    private static GroupsAllocator open(GroupsConfig config) {
        return new GroupsProvider(config).openGroups();
    }

    /** Runs {@code misuse} on {@code a}; it must throw {@code type} naming the design and {@code mentions}, and change nothing. */
    private static <E extends RuntimeException> E refused(GroupsAllocator a, Class<E> type, Consumer<GroupsAllocator> misuse,
            String... mentions) {
        Stats stats = a.stats();
        Census census = a.census();
        E e = org.junit.jupiter.api.Assertions.assertThrows(type, () -> misuse.accept(a));
        assertThat(e.getMessage()).contains("'groups'").contains(mentions);
        assertThat(a.stats()).isEqualTo(stats);
        assertThat(a.census()).isEqualTo(census);
        return e;
    }

    @Test
    void everyMisuseIsTypedNamedAndChangesNothing() {
        try (GroupsAllocator a = open(GroupsConfig.seed())) {
            MemorySegment small = a.allocate(100);
            MemorySegment large = a.allocate(300 * KIB);
            MemorySegment spare = a.allocate(48);
            long smallAt = small.address();
            small.fill((byte) 7);
            a.free(spare); // its chunk holds small too, so the slot is a clear bit in a committed chunk

            String hex = Long.toHexString(smallAt + 16);
            InvalidFreeException interior = refused(a, InvalidFreeException.class,
                    x -> x.free(MemorySegment.ofAddress(smallAt + 16).reinterpret(84)), "0x" + hex, "free");
            assertThat(interior.reason()).isEqualTo(Reason.INTERIOR);
            assertThat(refused(a, InvalidFreeException.class,
                    x -> x.free(MemorySegment.ofAddress(large.address() + 4096).reinterpret(10)), "block 0 of segment")
                    .reason()).isEqualTo(Reason.INTERIOR);
            assertThat(refused(a, InvalidFreeException.class, x -> x.free(spare), "not live").reason())
                    .isEqualTo(Reason.DOUBLE);
            assertThat(refused(a, InvalidFreeException.class,
                    x -> x.free(MemorySegment.ofAddress(smallAt + GroupClasses.CHUNK).reinterpret(100)),
                    "decommitted chunk 1").reason()).isEqualTo(Reason.UNKNOWN);
            assertThat(refused(a, InvalidFreeException.class,
                    x -> x.free(MemorySegment.ofAddress(a.base() + (200L << 30)).reinterpret(100)), "free segment 200")
                    .reason()).isEqualTo(Reason.UNKNOWN);
            assertThat(refused(a, InvalidFreeException.class,
                    x -> x.free(MemorySegment.ofAddress(smallAt + (5L << 25)).reinterpret(100)), "free region 5")
                    .reason()).isEqualTo(Reason.UNKNOWN);
            assertThat(refused(a, InvalidFreeException.class,
                    x -> x.free(MemorySegment.ofAddress(a.base() - 4096).reinterpret(100)), "outside").reason())
                    .isEqualTo(Reason.FOREIGN);
            assertThat(refused(a, InvalidFreeException.class,
                    x -> x.free(MemorySegment.ofAddress(smallAt).reinterpret(200)), "size 200").reason())
                    .isEqualTo(Reason.WRONG_SIZE);
            assertThat(refused(a, InvalidFreeException.class,
                    x -> x.free(MemorySegment.ofAddress(large.address()).reinterpret(600 * KIB)), "size 614400")
                    .reason()).isEqualTo(Reason.WRONG_SIZE);
            refused(a, InvalidFreeException.class,
                    x -> x.reallocate(MemorySegment.ofAddress(smallAt + 16).reinterpret(84), 1000), "reallocate");
            refused(a, InvalidSizeException.class, x -> x.allocate(0), "size 0");
            refused(a, InvalidSizeException.class, x -> x.allocate((1L << 40) + 1), "size 1099511627777");
            refused(a, InvalidAlignmentException.class, x -> x.allocate(100, 256), "alignment 256", "natural");
            refused(a, InvalidAlignmentException.class, x -> x.allocate(100, 3), "alignment 3");
            refused(a, InvalidAlignmentException.class, x -> x.allocate(100, 1L << 31), "maximum");

            assertThat(small.toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 7);
            a.free(small);
            a.free(large);
            assertThat(a.stats().liveCount()).isZero();
            a.close();
            refused2(a);
        }
    }

    private static void refused2(GroupsAllocator a) {
        for (Consumer<GroupsAllocator> op : List.<Consumer<GroupsAllocator>>of(x -> x.allocate(8),
                x -> x.free(MemorySegment.ofAddress(4096).reinterpret(8)), GroupsAllocator::stats,
                x -> x.owner(4096), x -> x.placement(4096), GroupsAllocator::census)) {
            assertThatThrownBy(() -> op.accept(a)).isInstanceOf(AllocatorClosedException.class)
                    .hasMessageContaining("'groups'").hasMessageContaining("closed");
        }
        a.close(); // idempotent
    }

    @Test
    void groupCGivesEachLargeRequestItsOwnMapping() {
        GroupsConfig small = GroupsConfig.small(22, 4); // 4 MiB segments: Group B ends at 4 MiB
        try (GroupsAllocator a = open(small)) {
            Stats before = a.stats();
            long size = 5 * MIB + 1;
            MemorySegment c = a.allocate(size);
            long offset = c.address() - a.base();
            assertThat(offset < 0 || offset >= small.reservationBytes()).as("not in the segments").isTrue();
            long rounded = 5 * MIB + VirtualMemory.pageSize();
            assertThat(a.usableSize(c)).isEqualTo(rounded);
            assertThat(a.owner(c.address() + 12345).orElseThrow().start()).isEqualTo(c.address());
            assertThat(a.placement(c.address()).orElseThrow().path()).isEqualTo("mapping");
            assertThat(a.stats().reservedBytes() - before.reservedBytes()).isEqualTo(rounded);
            assertThat(a.stats().committedBytes() - before.committedBytes()).isEqualTo(rounded);
            c.fill((byte) 1);
            MemorySegment grown = a.reallocate(c, 6 * MIB);
            assertThat(grown.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 1);
            assertThat(refused(a, InvalidFreeException.class,
                    x -> x.free(MemorySegment.ofAddress(grown.address()).reinterpret(3 * MIB)), "size 3145728")
                    .reason()).isEqualTo(Reason.WRONG_SIZE);
            a.free(grown);
            assertThat(a.stats()).isEqualTo(before);
            assertThat(a.owner(grown.address())).isEmpty();
        }
    }

    @Test
    void aRegionKeepsOneSpareChunkAndABinOneEmptyRegion() {
        FaultPlan counter = FaultPlan.none(); // injects nothing: counts the system calls
        try (GroupsAllocator a = open(GroupsConfig.seed().withVm(VirtualMemory.withFaults(counter)))) {
            int perChunk = 2; // 32 KiB items
            List<MemorySegment> items = new ArrayList<>();
            for (int i = 0; i < 3 * perChunk; i++) {
                items.add(a.allocate(32 * KIB));
            }
            assertThat(a.census().committedChunks()).isEqualTo(3);
            a.free(items.get(4));
            a.free(items.get(5)); // chunk 2 empties: the spare
            assertThat(a.census().committedChunks()).isEqualTo(3);
            assertThat(a.census().regions().getFirst().spareChunk()).isEqualTo(2);
            long calls = counter.calls(Syscall.MPROTECT) + counter.calls(Syscall.MADVISE);
            for (int i = 0; i < 100; i++) {
                a.free(a.allocate(32 * KIB)); // alloc/free at a chunk boundary: no system call
            }
            assertThat(counter.calls(Syscall.MPROTECT) + counter.calls(Syscall.MADVISE)).isEqualTo(calls);
            a.free(items.get(2));
            a.free(items.get(3)); // chunk 1 empties: a spare exists, so it is decommitted
            assertThat(a.census().committedChunks()).isEqualTo(2);
            a.free(items.get(0));
            a.free(items.get(1)); // the region empties: the bin keeps it, with its spare chunk
            Census kept = a.census();
            assertThat(kept.regions()).hasSize(1);
            assertThat(kept.retainedRegions().get(11)).isEqualTo(kept.regions().getFirst().index());
            assertThat(kept.committedChunks()).isEqualTo(1);
            assertThat(a.stats().committedBytes()).isEqualTo(kept.committedBytes());
            assertThat(a.idleCommittedBound()).as("idle with one bin used: exactly what the idle rule allows")
                    .isEqualTo(a.stats().committedBytes());
        }
    }

    @Test
    void aSecondEmptyRegionOfABinIsReleased() {
        GroupsConfig config = GroupsConfig.small(21, 2); // 64 KiB regions: one chunk of two 32 KiB items
        try (GroupsAllocator a = open(config)) {
            List<MemorySegment> items = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                items.add(a.allocate(32 * KIB)); // three regions
            }
            assertThat(a.census().regions()).hasSize(3);
            for (MemorySegment s : items) {
                a.free(s);
            }
            Census c = a.census();
            assertThat(c.regions()).as("one empty region kept").hasSize(1);
            assertThat(c.segments()).hasSize(1);
            assertThat(a.stats().committedBytes()).isEqualTo(c.committedBytes());
        }
    }

    @Test
    void groupBCommitsBlocksWhileLiveAndReturnsItsSegments() {
        try (GroupsAllocator a = open(GroupsConfig.small(24, 4))) { // 16 MiB segments
            Stats empty = a.stats();
            MemorySegment x = a.allocate(3 * MIB);
            MemorySegment y = a.allocate(3 * MIB + 5);
            assertThat(y.address() - x.address()).isEqualTo(4 * MIB); // blocks of 4 MiB, one after the other
            assertThat(a.census().groupBCommitted()).isEqualTo(8 * MIB);
            assertThat(a.placement(y.address()).orElseThrow().levels()).extracting(Placement.Level::unit)
                    .containsExactly("segment", "region", "block");
            a.free(x);
            assertThat(a.census().groupBCommitted()).isEqualTo(4 * MIB);
            a.free(y);
            Census c = a.census();
            assertThat(c.retainedSegments()).contains(c.segments().getFirst().index());
            MemorySegment other = a.allocate(200 * KIB); // another bin takes another segment
            assertThat(a.census().segments()).hasSize(2);
            a.free(other);
            assertThat(a.census().segments()).as("each B bin keeps one empty segment").hasSize(2);
            assertThat(a.stats().committedBytes() - empty.committedBytes()).isEqualTo(2 * GroupsConfig.SLOT);
            assertThat(a.idleCommittedBound()).as("two B bins used: two slots, and the control arena")
                    .isEqualTo(a.stats().committedBytes());
        }
    }

    @Test
    void exhaustionIsReachedAndSurvived() {
        GroupsConfig config = GroupsConfig.small(21, 2); // two 2 MiB segments: 64 regions of one 64 KiB chunk
        try (GroupsAllocator a = open(config)) {
            List<MemorySegment> live = new ArrayList<>();
            AddressSpaceExhaustedException ex = null;
            while (ex == null) {
                try {
                    live.add(a.allocate(32 * KIB));
                } catch (AddressSpaceExhaustedException e) {
                    ex = e;
                }
            }
            assertThat(live).hasSize(2 * 32 * 2);
            assertThat(ex).hasMessageContaining("'groups'").hasMessageContaining("size=32768")
                    .hasMessageContaining("segments is in use");
            Stats full = a.stats();
            Census census = a.census();
            assertThatThrownBy(() -> a.allocate(16)).isInstanceOf(AddressSpaceExhaustedException.class);
            assertThatThrownBy(() -> a.allocate(MIB)).isInstanceOf(AddressSpaceExhaustedException.class);
            assertThat(a.stats()).isEqualTo(full);
            assertThat(a.census()).isEqualTo(census);
            a.free(live.remove(live.size() - 1));
            live.add(a.allocate(32 * KIB)); // survived: free, then allocate again
            for (MemorySegment s : live) {
                a.free(s);
            }
            MemorySegment b = a.allocate(MIB); // every region came back: a segment for Group B
            assertThat(a.placement(b.address()).orElseThrow().path()).isEqualTo("segment/region/block");
        }
    }

    @Test
    void aFailedCommitChangesNothing() {
        int failures = 0;
        for (int nth = 1; nth <= 3; nth++) {
            FaultPlan plan = FaultPlan.none();
            try (GroupsAllocator a = open(GroupsConfig.small(22, 4).withVm(VirtualMemory.withFaults(plan)))) {
                MemorySegment keep = a.allocate(40);
                keep.fill((byte) 5);
                for (long size : new long[] {16, 4 * KIB, 32 * KIB, 100 * KIB, 5 * MIB}) {
                    Stats stats = a.stats();
                    Census census = a.census();
                    plan.failNth(Syscall.MPROTECT, nth, Errno.ENOMEM);
                    MemorySegment got = null;
                    try {
                        got = a.allocate(size); // this request needed fewer than nth commits
                    } catch (AddressSpaceExhaustedException e) {
                        failures++;
                        assertThat(e).hasMessageContaining("ENOMEM").hasMessageContaining("size=" + size);
                        assertThat(a.stats()).as("size %d, commit %d fails", size, nth).isEqualTo(stats);
                        assertThat(a.census()).isEqualTo(census);
                    }
                    plan.clear();
                    a.free(got != null ? got : a.allocate(size)); // and it works again
                }
                assertThat(keep.toArray(ValueLayout.JAVA_BYTE)).containsOnly((byte) 5);
            }
        }
        assertThat(failures).as("requests that met a failed commit").isGreaterThanOrEqualTo(8);
    }

    @Test
    void aFailedMetadataOrMappingChangesNothing() {
        FaultPlan plan = FaultPlan.none();
        try (GroupsAllocator a = open(GroupsConfig.small(22, 4).withVm(VirtualMemory.withFaults(plan)))) {
            Stats stats = a.stats();
            plan.failNth(Syscall.MMAP, 1, Errno.ENOMEM); // Group C's reservation
            assertThatThrownBy(() -> a.allocate(5 * MIB)).isInstanceOf(AddressSpaceExhaustedException.class)
                    .hasMessageContaining("mapping");
            assertThat(a.stats()).isEqualTo(stats);
        }
    }
}
