package io.vakit.design.chunks;

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
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Examples of the chunks design: where each size goes, the commit policy, the u8 and u16 edges of its records
 * (item 255 of a chunk, chunk 255 of a block, block 255 of a region, all 65536 blocks of the seed's 64 GiB segment),
 * every refusal, exhaustion and recovery, a failed mmap and a failed commit.
 */
class ChunksAllocatorTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    private static MemorySegment as(long address, long size) {
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    private static String path(ChunksAllocator a, MemorySegment s) {
        return a.placement(s.address()).orElseThrow().path();
    }

    @Test
    void theSeedScaleReservesTheWhole64GiBSegmentAndCommitsAlmostNothing() {
        try (ChunksAllocator a = new ChunksProvider().openChunks()) {
            assertThat(a.config().segmentBytes()).isEqualTo(64L << 30);
            assertThat(a.reservedRanges().getFirst().bytes()).as("the segment, reserved MAP_NORESERVE")
                    .isEqualTo(64L << 30);
            assertThat(a.reservedRanges().getFirst().start() % (256 * MIB)).as("aligned to a region").isZero();
            assertThat(a.census().dataCommitted()).isZero();
            var census = a.census();
            assertThat(census.initCommitted()).as("the init arena: 65536 block records of 16 B, 256 region records,"
                    + " the segment's record and the spares, page-rounded")
                    .isEqualTo((ChunksSpace.initBytes(a.config()) + 4095) & -4096).isEqualTo(MIB + 8 * KIB);
            assertThat(a.stats().committedBytes()).as("nothing else but the FSA's own records")
                    .isEqualTo(census.initCommitted() + census.fsaCommitted());
            assertThat(census.fsaItems()).isZero();
        }
    }

    @Test
    void eachSizeGoesToItsContainer() {
        try (ChunksAllocator a = new ChunksProvider().openChunks()) {
            MemorySegment item = a.allocate(100);
            MemorySegment next = a.allocate(100);
            assertThat(a.usableSize(item)).isEqualTo(128);
            assertThat(next.address() - item.address()).as("the chunk's next item").isEqualTo(128);
            assertThat(path(a, item)).isEqualTo("segment/region/block/chunk/item");
            MemorySegment run = a.allocate(5000);
            assertThat(a.usableSize(run)).isEqualTo(8 * KIB);
            assertThat(path(a, run)).isEqualTo("segment/region/block/run");
            MemorySegment blocks = a.allocate(3 * MIB);
            assertThat(a.usableSize(blocks)).isEqualTo(4 * MIB);
            assertThat(path(a, blocks)).isEqualTo("segment/region/run");
            assertThat(blocks.address() % MIB).isZero();
            MemorySegment mapped = a.allocate(300 * MIB);
            assertThat(path(a, mapped)).isEqualTo("mapping");
            assertThat(a.census().mappings()).isEqualTo(1);
            long base = a.reservedRanges().getFirst().start();
            assertThat((item.address() - base) >>> 28).as("items in region 0").isZero();
            assertThat((run.address() - base) >>> 28).as("chunk runs in a region of their own").isEqualTo(1);
            assertThat((blocks.address() - base) >>> 28).as("block runs in a third").isEqualTo(2);
            for (MemorySegment s : List.of(item, next, run, blocks, mapped)) {
                s.set(ValueLayout.JAVA_LONG, 0, 42); // committed before it is handed out
                a.free(s);
            }
            assertThat(a.stats().liveCount()).isZero();
            assertThat(a.census().mappings()).isZero();
        }
    }

    @Test
    void chunksAreCommittedAsTheyFillAndDecommittedAsTheyEmptyButOneSparePerClass() {
        try (ChunksAllocator a = new ChunksProvider().openChunks()) {
            MemorySegment x = a.allocate(16);
            assertThat(a.census().dataCommitted()).isEqualTo(4 * KIB);
            List<MemorySegment> more = new ArrayList<>();
            for (int i = 1; i < 256; i++) {
                more.add(a.allocate(16));
            }
            assertThat(a.census().dataCommitted()).as("256 items of 16 B fill one chunk").isEqualTo(4 * KIB);
            MemorySegment second = a.allocate(16);
            assertThat(a.census().dataCommitted()).as("the 257th opens the next chunk").isEqualTo(8 * KIB);
            a.free(second);
            assertThat(a.census().dataCommitted()).as("an emptied chunk is the class's spare").isEqualTo(8 * KIB);
            assertThat(a.census().spares()).isEqualTo(1);
            a.free(x);
            more.forEach(a::free);
            assertThat(a.census().dataCommitted()).as("a second empty chunk of the class is decommitted")
                    .isEqualTo(4 * KIB);
            MemorySegment again = a.allocate(16);
            assertThat(a.census().spares()).as("the spare is taken").isZero();
            assertThat(a.census().dataCommitted()).isEqualTo(4 * KIB);
            a.free(again);

            MemorySegment run = a.allocate(40 * KIB);
            assertThat(a.census().dataCommitted()).as("a chunk run: its 64 KiB").isEqualTo(4 * KIB + 64 * KIB);
            a.free(run);
            assertThat(a.census().dataCommitted()).as("runs keep no spare").isEqualTo(4 * KIB);
            MemorySegment blocks = a.allocate(5 * MIB);
            assertThat(a.census().dataCommitted()).isEqualTo(4 * KIB + 8 * MIB);
            a.free(blocks);
            assertThat(a.census().dataCommitted()).isEqualTo(4 * KIB);
            assertThat(a.stats().committedBytes()).isLessThanOrEqualTo(a.idleCommittedBound());
        }
    }

    @Test
    void theU8AndU16EdgesItem255Chunk255AndBlock255() {
        try (ChunksAllocator a = new ChunksProvider().openChunks()) {
            long base = a.reservedRanges().getFirst().start();
            List<MemorySegment> items = new ArrayList<>();
            for (int i = 0; i < 256; i++) {
                items.add(a.allocate(16));
            }
            assertThat(a.placement(items.get(255).address()).orElseThrow().levels().get(4).index())
                    .as("item 255: a count of 256 does not fit a u8").isEqualTo(255);
            assertThat(items.get(255).address() - items.getFirst().address()).isEqualTo(255 * 16);

            List<MemorySegment> pages = new ArrayList<>();
            for (int i = 0; i < 257; i++) {
                pages.add(a.allocate(4096)); // one item per chunk
            }
            var last = a.placement(pages.get(255).address()).orElseThrow().levels();
            var first = a.placement(pages.getFirst().address()).orElseThrow().levels();
            assertThat(last.get(3).index()).as("chunk 255 of the block").isEqualTo(255);
            assertThat(last.get(2).index()).isEqualTo(first.get(2).index());
            var over = a.placement(pages.get(256).address()).orElseThrow().levels();
            assertThat(over.get(2).index()).as("the 257th chunk is in the next block").isEqualTo(first.get(2).index() + 1);
            assertThat(over.get(3).index()).isZero();

            List<MemorySegment> whole = new ArrayList<>();
            for (int i = 0; i < 257; i++) {
                whole.add(a.allocate(MIB)); // a run of all 256 chunks of a block
            }
            var edge = a.placement(whole.get(255).address()).orElseThrow().levels();
            assertThat(edge.get(2).index()).as("block 255 of the region").isEqualTo(255);
            assertThat((whole.get(256).address() - base) >>> 28).as("the 257th block opens the next region")
                    .isEqualTo(((whole.getFirst().address() - base) >>> 28) + 1);
            for (List<MemorySegment> l : List.of(items, pages, whole)) {
                for (int i = l.size() - 1; i >= 0; i--) {
                    a.free(l.get(i));
                }
            }
            assertThat(a.stats().liveCount()).isZero();
            ChunksStructure.verify(a);
        }
    }

    @Test
    void all65536BlocksOfTheSegmentInUseThenExhaustionThenRecovery() {
        try (ChunksAllocator a = new ChunksProvider().openChunks()) {
            List<MemorySegment> regions = new ArrayList<>();
            for (int r = 0; r < 256; r++) {
                regions.add(a.allocate(256 * MIB)); // a run of a region's 256 blocks
            }
            assertThat(a.inspect(s -> s.regionBinmap(0).count()).longValue()).isEqualTo(256);
            Stats before = a.stats();
            var census = a.census();
            assertThatThrownBy(() -> a.allocate(16)).isInstanceOf(AddressSpaceExhaustedException.class)
                    .hasMessageContaining("allocate").hasMessageContaining("size=16").hasMessageContaining("chunks")
                    .hasMessageContaining("every region");
            assertThatThrownBy(() -> a.allocate(2 * MIB)).isInstanceOf(AddressSpaceExhaustedException.class);
            assertThat(a.stats()).isEqualTo(before);
            assertThat(a.census()).isEqualTo(census);
            ChunksStructure.verify(a);
            MemorySegment gone = regions.remove(255);
            a.free(gone);
            MemorySegment small = a.allocate(16);
            assertThat(small.address() - gone.address()).as("the freed region's first item").isZero();
            a.free(small);
            regions.forEach(a::free);
            assertThat(a.census().dataCommitted()).isEqualTo(4 * KIB);
        }
    }

    @Test
    void everyBadInputIsRefusedTypedAndChangesNothing() {
        try (ChunksAllocator a = new ChunksProvider().openChunks(); Arena jvm = Arena.ofConfined()) {
            MemorySegment item = a.allocate(100);
            MemorySegment run = a.allocate(10_000);
            MemorySegment blocks = a.allocate(3 * MIB);
            MemorySegment freedItem = a.allocate(120);
            a.free(freedItem); // its chunk stays: item holds it
            MemorySegment freedRun = a.allocate(20_000);
            a.free(freedRun);
            var census = a.census();
            refused(a, () -> a.free(as(item.address() + 8, 100)), Reason.INTERIOR, "free");
            refused(a, () -> a.free(as(run.address() + 4096, 10_000)), Reason.INTERIOR, "free");
            refused(a, () -> a.free(as(blocks.address() + MIB, 3 * MIB)), Reason.INTERIOR, "free");
            refused(a, () -> a.free(as(freedItem.address(), 120)), Reason.DOUBLE, "free");
            refused(a, () -> a.free(jvm.allocate(64)), Reason.FOREIGN, "free");
            refused(a, () -> a.free(as(item.address(), 200)), Reason.WRONG_SIZE, "free");
            refused(a, () -> a.free(as(run.address(), 20_000)), Reason.WRONG_SIZE, "free");
            refused(a, () -> a.free(as(blocks.address(), 5 * MIB)), Reason.WRONG_SIZE, "free");
            refused(a, () -> a.reallocate(as(item.address() + 16, 100), 5), Reason.INTERIOR, "reallocate");
            assertThatThrownBy(() -> a.free(as(freedRun.address(), 20_000))).isInstanceOf(InvalidFreeException.class);
            assertThatThrownBy(() -> a.allocate(0)).isInstanceOf(InvalidSizeException.class)
                    .hasMessageContaining("size=0").hasMessageContaining("chunks");
            assertThatThrownBy(() -> a.allocate((1L << 40) + 1)).isInstanceOf(InvalidSizeException.class);
            assertThatThrownBy(() -> a.allocate(16, 3)).isInstanceOf(InvalidAlignmentException.class)
                    .hasMessageContaining("alignment=3");
            assertThatThrownBy(() -> a.allocate(16, 64)).as("chunks has no explicit alignment")
                    .isInstanceOf(InvalidAlignmentException.class).hasMessageContaining("natural alignment 16")
                    .hasMessageContaining("chunks");
            assertThatThrownBy(() -> a.allocate(16, 2 * MIB)).isInstanceOf(InvalidAlignmentException.class);
            assertThat(a.census()).isEqualTo(census);
            assertThat(a.allocate(64, 64).address() % 64).as("the natural alignment is served").isZero();
            assertThat(item.get(ValueLayout.JAVA_BYTE, 0)).isZero();
            ChunksStructure.verify(a);
        }
    }

    @Test
    void aStaleAddressInAChunkNowOfALargerClassIsADoubleFreeNotAnInteriorOne() {
        try (ChunksAllocator a = new ChunksProvider().openChunks()) {
            List<MemorySegment> old = new ArrayList<>();
            for (int i = 0; i < 2049; i++) { // 2 MiB of 1 KiB items: two blocks, and one item in a third
                old.add(a.allocate(KIB));
            }
            old.forEach(a::free); // the first chunk stays as the class's spare; the other blocks are given back
            MemorySegment now = a.allocate(2 * KIB);
            assertThat(old).as("a block of the 1 KiB items now serves 2 KiB items")
                    .anyMatch(s -> s.address() == now.address());
            // item 3 of 1 KiB lies inside item 1 of 2 KiB, which is free: the address is stale, not interior
            refused(a, () -> a.free(as(now.address() + 3 * KIB, KIB)), Reason.UNKNOWN, "free");
            refused(a, () -> a.free(as(now.address() + 2 * KIB, 2 * KIB)), Reason.DOUBLE, "free");
            refused(a, () -> a.free(as(now.address() + KIB, KIB)), Reason.INTERIOR, "free");
            ChunksStructure.verify(a);
        }
    }

    private static void refused(Allocator a, Runnable call, Reason reason, String op) {
        Stats before = a.stats();
        assertThatThrownBy(call::run).isInstanceOfSatisfying(InvalidFreeException.class, e -> {
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(e.getMessage()).contains(op).contains("address=0x").contains("chunks");
        });
        assertThat(a.stats()).isEqualTo(before);
    }

    @Test
    void reallocationStaysInPlaceWithinItsClassAndMovesAcrossIt() {
        try (ChunksAllocator a = new ChunksProvider().openChunks()) {
            MemorySegment s = a.allocate(70);
            s.set(ValueLayout.JAVA_LONG, 0, 7);
            MemorySegment same = a.reallocate(s, 128);
            assertThat(same.address()).isEqualTo(s.address());
            MemorySegment moved = a.reallocate(same, 129);
            assertThat(moved.address()).isNotEqualTo(s.address());
            assertThat(moved.get(ValueLayout.JAVA_LONG, 0)).isEqualTo(7);
            assertThat(a.usableSize(moved)).isEqualTo(256);
            a.free(moved);
            assertThat(a.stats().liveBytes()).isZero();
        }
    }

    @Test
    void theSmallConfigurationRunsOutAndRecoversOnTheSameCodePath() {
        try (Allocator a = new ChunksProvider().openSmall()) {
            List<MemorySegment> blocks = new ArrayList<>();
            Stats before;
            while (true) {
                before = a.stats();
                try {
                    blocks.add(a.allocate(64 * KIB));
                } catch (AddressSpaceExhaustedException e) {
                    assertThat(e.getMessage()).contains("chunks").contains("every region");
                    break;
                }
            }
            assertThat(a.stats()).isEqualTo(before);
            assertThat(blocks).as("2 segments of 2 regions of 8 blocks of 16 runs").hasSize(2 * 2 * 8 * 16);
            long base = a.reservedRanges().getFirst().start();
            assertThat((blocks.getLast().address() - base) >>> 24).as("the last in the second segment").isEqualTo(1);
            a.free(blocks.removeLast());
            assertThat(a.allocate(64 * KIB).byteSize()).isEqualTo(64 * KIB);
        }
    }

    @Test
    void aFailedMmapOrCommitIsAnExhaustionThatChangesNothing() {
        FaultPlan plan = FaultPlan.none();
        ChunksConfig config = ChunksConfig.defaults().withVm(VirtualMemory.withFaults(plan));
        try (ChunksAllocator a = new ChunksProvider(config).openChunks()) {
            a.allocate(16);
            Stats before = a.stats();
            var census = a.census();
            plan.failNth(Syscall.MMAP, 1, Errno.ENOMEM);
            assertThatThrownBy(() -> a.allocate(300 * MIB)).isInstanceOf(AddressSpaceExhaustedException.class)
                    .hasMessageContaining("ENOMEM").hasMessageContaining("size=314572800")
                    .hasMessageContaining("chunks");
            plan.clear().failNth(Syscall.MPROTECT, 1, Errno.ENOMEM);
            assertThatThrownBy(() -> a.allocate(5000)).isInstanceOf(AddressSpaceExhaustedException.class)
                    .hasMessageContaining("could not commit");
            plan.clear().failNth(Syscall.MPROTECT, 1, Errno.ENOMEM);
            assertThatThrownBy(() -> a.allocate(32)).as("a new item chunk's commit")
                    .isInstanceOf(AddressSpaceExhaustedException.class);
            assertThat(a.stats()).isEqualTo(before);
            assertThat(a.census()).isEqualTo(census);
            ChunksStructure.verify(a);
            plan.clear();
            assertThat(a.allocate(300 * MIB).byteSize()).isEqualTo(300 * MIB);
            assertThat(a.allocate(5000).byteSize()).isEqualTo(5000);
            assertThat(a.allocate(32).byteSize()).isEqualTo(32);
        }
    }

    @Test
    void useAfterCloseIsRefused() {
        ChunksAllocator a = new ChunksProvider().openChunks();
        MemorySegment s = a.allocate(64);
        a.close();
        a.close(); // idempotent
        assertThatThrownBy(() -> a.free(s)).isInstanceOf(AllocatorClosedException.class).hasMessageContaining("free")
                .hasMessageContaining("chunks");
        assertThatThrownBy(() -> a.allocate(64)).isInstanceOf(AllocatorClosedException.class);
        assertThatThrownBy(a::stats).isInstanceOf(AllocatorClosedException.class);
        assertThatThrownBy(a::census).isInstanceOf(AllocatorClosedException.class);
    }
}
