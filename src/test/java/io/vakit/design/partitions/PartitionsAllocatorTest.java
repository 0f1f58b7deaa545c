package io.vakit.design.partitions;

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
import io.vakit.spi.Placement;
import io.vakit.spi.Stats;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * Examples of the partitions design: routes, parents by aligning down, the seed's alignment rounding, frees from
 * another thread, threads that come and go while their blocks live on, every refusal, exhaustion, a failed commit,
 * and the seed's fixed layout.
 */
class PartitionsAllocatorTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    private static MemorySegment as(long address, long size) {
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    private static Placement placement(PartitionsAllocator a, MemorySegment s) {
        return a.placement(s.address()).orElseThrow();
    }

    @Test
    void eachSizeGoesToItsUnitAndEveryParentIsFoundByAligningDown() {
        try (PartitionsAllocator a = new PartitionsProvider().openPartitions()) {
            PartitionsConfig c = a.config();
            MemorySegment item = a.allocate(100);
            assertThat(a.usableSize(item)).as("class 104, row 1").isEqualTo(104);
            Placement p = placement(a, item);
            assertThat(p.path()).isEqualTo("partition/slice/arena/part/item");
            assertThat(p.levels().get(0).index()).isEqualTo(1);
            long arena = c.arenaBytes(1);
            assertThat(p.levels().get(2).start()).as("arena = a & -arena size").isEqualTo(item.address() & -arena);
            assertThat(p.levels().get(3).start()).as("part = a & -part size")
                    .isEqualTo(item.address() & -c.partBytes(1));
            MemorySegment part = a.allocate(40_000);
            assertThat(a.usableSize(part)).as("a whole 64 KiB part of row 0").isEqualTo(64 * KIB);
            assertThat(placement(a, part).path()).isEqualTo("partition/slice/arena/part");
            MemorySegment whole = a.allocate(3 * MIB);
            assertThat(a.usableSize(whole)).as("a whole 4 MiB arena of row 0").isEqualTo(4 * MIB);
            assertThat(placement(a, whole).path()).isEqualTo("partition/slice/arena");
            assertThat(whole.address() % (4 * MIB)).isZero();
            MemorySegment high = a.allocate(600 * MIB);
            assertThat(placement(a, high).path()).as("above the largest arena: the high range").isEqualTo("mapping");
            assertThat(a.ownerThread(item.address())).contains(Thread.currentThread());
            for (MemorySegment s : List.of(item, part, whole, high)) {
                s.set(ValueLayout.JAVA_LONG, 0, 7);
                a.free(s);
            }
            assertThat(a.stats().liveCount()).isZero();
        }
    }

    @Test
    void theSeedsAlignmentRoundingAddsTheRemainderWhereItShouldAddWhatIsMissing() {
        // the seed: size += size % alignment; the design: size += alignment - size % alignment
        long[][] cases = {{40, 32, 64}, {20, 16, 32}, {100, 64, 128}, {480, 256, 512}, {5000, 4096, 8192}};
        try (PartitionsAllocator a = new PartitionsProvider().openPartitions()) {
            for (long[] k : cases) {
                long seed = k[0] + k[0] % k[1];
                assertThat(seed % k[1]).as("the seed's %d at %d gives %d, not a multiple", k[0], k[1], seed)
                        .isNotZero();
                assertThat(PartitionsAllocator.alignedSize(k[0], k[1])).isEqualTo(k[2]);
                List<MemorySegment> blocks = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    MemorySegment s = a.allocate(k[0], k[1]);
                    assertThat(s.address() % k[1]).as("(%d, %d), block %d", k[0], k[1], i).isZero();
                    assertThat(a.usableSize(s)).isEqualTo(new PartitionClasses().size(new PartitionClasses()
                            .classOf(k[2])));
                    blocks.add(s);
                }
                blocks.forEach(a::free);
            }
            assertThat(PartitionsAllocator.alignedSize(64, 64)).as("no remainder, nothing added").isEqualTo(64);
        }
    }

    @Test
    void aFreeFromAnotherThreadIsVisibleAtOnceAndReusedAfterTheOwnersNextAllocation() throws InterruptedException {
        try (PartitionsAllocator a = new PartitionsProvider().openPartitions()) {
            MemorySegment x = a.allocate(200);
            MemorySegment keep = a.allocate(200);
            Stats before = a.stats();
            Thread other = new Thread(() -> a.free(x));
            other.start();
            other.join();
            assertThat(a.stats().liveCount()).as("counted out when the free returned").isEqualTo(before.liveCount() - 1);
            assertThat(a.owner(x.address())).as("no longer live").isEmpty();
            assertThatThrownBy(() -> a.free(x)).as("a second free, while the first is queued")
                    .isInstanceOfSatisfying(InvalidFreeException.class, e -> assertThat(e.reason())
                            .isEqualTo(Reason.DOUBLE));
            assertThat(a.idleCommittedBound()).as("the queued free keeps its pool").isGreaterThan(0);
            MemorySegment again = a.allocate(200);
            assertThat(again.address()).as("the owner took its queue back: the lowest free item").isEqualTo(x.address());
            a.free(again);
            a.free(keep);
            assertThat(a.stats().liveCount()).isZero();
        }
    }

    @Test
    void threadsComeAndGoWhileTheirBlocksLiveOnAndAreFreedElsewhere() throws InterruptedException {
        try (PartitionsAllocator a = new PartitionsProvider(PartitionsConfig.small()).openPartitions()) {
            ConcurrentLinkedQueue<MemorySegment> handed = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            for (int round = 0; round < 12; round++) {
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    long seed = round * 31L + t;
                    Thread thread = new Thread(() -> {
                        SplittableRandom r = new SplittableRandom(seed);
                        List<MemorySegment> mine = new ArrayList<>();
                        for (int i = 0; i < 300; i++) {
                            long size = r.nextInt(10) == 0 ? 1 + r.nextLong(100 * KIB) : 1 + r.nextLong(2048);
                            MemorySegment s = a.allocate(size);
                            s.fill((byte) (s.address() >>> 4));
                            (r.nextBoolean() ? mine : handed).add(s);
                        }
                        for (int i = 0; i < mine.size(); i += 2) {
                            a.free(mine.get(i)); // the rest outlives its thread
                        }
                        for (int i = 1; i < mine.size(); i += 2) {
                            handed.add(mine.get(i));
                        }
                    });
                    thread.setUncaughtExceptionHandler((th, e) -> failures.add(e));
                    thread.start();
                    threads.add(thread);
                }
                for (Thread thread : threads) {
                    thread.join();
                }
                assertThat(failures).as("round %d: what the threads threw", round).isEmpty();
                MemorySegment s;
                for (int n = 0; n < 500 && (s = handed.poll()) != null; n++) {
                    byte stamp = (byte) (s.address() >>> 4);
                    assertThat(s.get(ValueLayout.JAVA_BYTE, 0)).as("no block lost or reused while live").isEqualTo(stamp);
                    assertThat(s.get(ValueLayout.JAVA_BYTE, s.byteSize() - 1)).isEqualTo(stamp);
                    a.free(s); // its owner has ended: adopted first
                }
            }
            for (MemorySegment s = handed.poll(); s != null; s = handed.poll()) {
                assertThat(s.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) (s.address() >>> 4));
                a.free(s);
            }
            assertThat(a.stats().liveCount()).isZero();
            assertThat(a.stats().liveBytes()).isZero();
            assertThat(a.census().heaps()).as("each round's new threads adopted the ended ones: left are the test's"
                    + " thread and the last round's three, for the next thread that needs memory").isLessThanOrEqualTo(4);
            assertThat(a.stats().committedBytes()).isLessThanOrEqualTo(a.idleCommittedBound());
        }
    }

    @Test
    void everyBadInputIsRefusedTypedAndChangesNothing() {
        try (PartitionsAllocator a = new PartitionsProvider().openPartitions(); Arena jvm = Arena.ofConfined()) {
            MemorySegment item = a.allocate(100);
            MemorySegment part = a.allocate(100 * KIB);
            MemorySegment whole = a.allocate(5 * MIB);
            MemorySegment freed = a.allocate(100);
            a.free(freed);
            Stats before = a.stats();
            var census = a.census();
            refused(a, () -> a.free(as(item.address() + 8, 100)), Reason.INTERIOR, "free");
            refused(a, () -> a.free(as(part.address() + 4096, 100 * KIB)), Reason.INTERIOR, "free");
            refused(a, () -> a.free(as(whole.address() + MIB, 5 * MIB)), Reason.INTERIOR, "free");
            refused(a, () -> a.free(as(freed.address(), 100)), Reason.DOUBLE, "free");
            refused(a, () -> a.free(jvm.allocate(64)), Reason.FOREIGN, "free");
            refused(a, () -> a.reallocate(as(item.address() + 16, 100), 5), Reason.INTERIOR, "reallocate");
            assertThatThrownBy(() -> a.allocate(0)).isInstanceOf(InvalidSizeException.class)
                    .hasMessageContaining("size=0").hasMessageContaining("partitions");
            assertThatThrownBy(() -> a.allocate((8L << 30) + 1)).isInstanceOf(InvalidSizeException.class);
            assertThatThrownBy(() -> a.allocate(16, 3)).isInstanceOf(InvalidAlignmentException.class)
                    .hasMessageContaining("alignment=3");
            assertThatThrownBy(() -> a.allocate(16, 4 * MIB)).isInstanceOf(InvalidAlignmentException.class);
            assertThat(a.stats()).isEqualTo(before);
            assertThat(a.census()).isEqualTo(census);
        }
    }

    @Test
    void aSecondFreeIsDoubleWhereABlockStartedAndUnknownWhereNoneEverDid() {
        try (PartitionsAllocator a = new PartitionsProvider().openPartitions()) {
            MemorySegment item = a.allocate(100);
            MemorySegment next = a.allocate(100);
            MemorySegment part = a.allocate(100 * KIB);
            MemorySegment nextPart = a.allocate(100 * KIB);
            MemorySegment whole = a.allocate(5 * MIB);
            MemorySegment nextWhole = a.allocate(5 * MIB);
            assertThat(placement(a, nextPart).levels().get(2).start()).as("one arena holds both parts")
                    .isEqualTo(placement(a, part).levels().get(2).start());
            assertThat(placement(a, nextWhole).levels().get(1).start()).as("one slice holds both arenas")
                    .isEqualTo(placement(a, whole).levels().get(1).start());
            long beyond = next.address() + 104; // item 2 of the pool: never handed out
            a.free(item);
            a.free(part);
            a.free(whole);
            refused(a, () -> a.free(as(item.address(), 100)), Reason.DOUBLE, "free");
            refused(a, () -> a.free(as(part.address(), 100 * KIB)), Reason.DOUBLE, "free");
            refused(a, () -> a.free(as(whole.address(), 5 * MIB)), Reason.DOUBLE, "free");
            refused(a, () -> a.free(as(beyond, 100)), Reason.UNKNOWN, "free");
            refused(a, () -> a.free(as(part.address() + 4096, 100 * KIB)), Reason.UNKNOWN, "free");
            assertThat(a.allocate(100).address()).as("the lowest item again").isEqualTo(item.address());
            a.free(as(item.address(), 100));
            a.free(next);
            a.free(nextPart);
            a.free(nextWhole);
            assertThat(a.stats().liveCount()).isZero();
        }
    }

    private static void refused(Allocator a, Runnable call, Reason reason, String op) {
        Stats before = a.stats();
        assertThatThrownBy(call::run).isInstanceOfSatisfying(InvalidFreeException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).contains(op).contains("address=0x").contains("partitions");
        });
        assertThat(a.stats()).isEqualTo(before);
    }

    @Test
    void theSmallConfigurationRunsOutAndRecovers() {
        try (Allocator a = new PartitionsProvider().openSmall()) {
            List<MemorySegment> blocks = new ArrayList<>();
            Stats before;
            while (true) {
                before = a.stats();
                try {
                    blocks.add(a.allocate(64 * KIB));
                } catch (AddressSpaceExhaustedException e) {
                    assertThat(e.getMessage()).contains("partitions").contains("every slice of partition");
                    break;
                }
            }
            assertThat(a.stats()).isEqualTo(before);
            assertThat(blocks).as("8 slices of one arena of 64 parts of 64 KiB").hasSize(8 * 64);
            a.free(blocks.removeLast());
            assertThat(a.allocate(64 * KIB).byteSize()).isEqualTo(64 * KIB);
        }
    }

    @Test
    void aFailedCommitIsAnExhaustionThatChangesNothing() {
        FaultPlan plan = FaultPlan.none();
        PartitionsConfig config = PartitionsConfig.defaults().withVm(VirtualMemory.withFaults(plan));
        try (PartitionsAllocator a = new PartitionsProvider(config).openPartitions()) {
            a.allocate(16);
            Stats before = a.stats();
            var census = a.census();
            plan.failNth(Syscall.MPROTECT, 1, Errno.ENOMEM);
            assertThatThrownBy(() -> a.allocate(5000)).isInstanceOf(AddressSpaceExhaustedException.class)
                    .hasMessageContaining("could not commit").hasMessageContaining("partitions");
            plan.clear().failNth(Syscall.MMAP, 1, Errno.ENOMEM);
            assertThatThrownBy(() -> a.allocate(600 * MIB)).isInstanceOf(AddressSpaceExhaustedException.class)
                    .hasMessageContaining("ENOMEM");
            assertThat(a.stats()).isEqualTo(before);
            assertThat(a.census()).isEqualTo(census);
            plan.clear();
            assertThat(a.allocate(5000).byteSize()).isEqualTo(5000);
        }
    }

    @Test
    void theSeedsLayoutIsReservedAtItsFixedAddress() {
        PartitionsConfig seed = PartitionsConfig.seedLayout();
        assertThat(seed.reservationBytes()).isEqualTo((1L << 46) - (1L << 38));
        for (int k = 0; k < 8; k++) {
            assertThat(PartitionsConfig.SEED_ADDRESS + seed.partitionOffset(k)).as("partition %d", k)
                    .isEqualTo((1L << 40) + (1L << (38 + k)));
        }
        try (PartitionsAllocator a = new PartitionsProvider(seed).openPartitions()) {
            assertThat(a.reservedRanges().getFirst().start()).isEqualTo(PartitionsConfig.SEED_ADDRESS);
            MemorySegment s = a.allocate(100);
            assertThat(s.address()).as("row 1: partition 1 at 2^40 + 2^39").isBetween((1L << 40) + (1L << 39),
                    (1L << 40) + (1L << 40) - 1);
            a.free(s);
        }
    }

    @Test
    void useAfterCloseIsRefused() {
        PartitionsAllocator a = new PartitionsProvider().openPartitions();
        MemorySegment s = a.allocate(64);
        a.close();
        a.close();
        assertThatThrownBy(() -> a.free(s)).isInstanceOf(AllocatorClosedException.class).hasMessageContaining("free")
                .hasMessageContaining("partitions");
        assertThatThrownBy(() -> a.allocate(64)).isInstanceOf(AllocatorClosedException.class);
        assertThatThrownBy(a::stats).isInstanceOf(AllocatorClosedException.class);
    }
}
