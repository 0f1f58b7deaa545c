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
    void metadataPagesStayCommittedWhenEveryItemIsFree() {
        try (Fsa f = new Fsa(VirtualMemory.system(), 64 * 1024, 4)) {
            assertThat(f.metadataCommitted()).isZero();
            MemorySegment a = f.allocate(100);
            MemorySegment b = f.allocate(20_000);
            long meta = f.metadataCommitted();
            assertThat(meta).isPositive().isEqualTo(f.committedBytes() - 2 * 64 * 1024);
            f.free(a.address());
            f.free(b.address());
            assertThat(f.committedBytes()).as("only the metadata stays").isEqualTo(meta);
            assertThat(f.metadataCommitted()).isEqualTo(meta);
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
    void aFailedCommitChangesNothing() {
        int failures = 0;
        for (int nth = 1; nth <= 3; nth++) {
            io.vakit.pal.FaultPlan plan = io.vakit.pal.FaultPlan.none();
            try (Fsa f = new Fsa(VirtualMemory.withFaults(plan), 64 * 1024, 8)) {
                for (int i = 0; i < 7; i++) {
                    f.allocate(8 << i); // blocks 0..6, one per size; block 7's live-item map starts a new page
                }
                long committed = f.committedBytes();
                plan.failNth(io.vakit.pal.Syscall.MPROTECT, nth, io.vakit.pal.Errno.ENOMEM);
                MemorySegment got = null;
                try {
                    got = f.allocate(1024); // block 7: its commit, then its metadata page
                } catch (io.vakit.pal.VirtualMemoryException e) {
                    failures++;
                    assertThat(f.committedBytes()).as("commit %d failed", nth).isEqualTo(committed);
                    assertThat(java.util.Arrays.stream(f.liveItems()).sum()).isEqualTo(7);
                }
                plan.clear();
                if (got != null) {
                    f.free(got.address()); // this try needed fewer than nth commits
                }
                f.allocate(1024); // the block the failure did not lose is still there
                assertThatThrownBy(() -> f.allocate(4096)).isInstanceOf(OutOfSpaceException.class);
            }
        }
        assertThat(failures).as("the block's commit and its metadata page's commit failed").isEqualTo(2);
    }

    @Test
    void rewindingToAMarkGivesBackWhatAFailedOperationFirstTouched() {
        try (Fsa f = new Fsa(VirtualMemory.system(), 64 * 1024, 64)) {
            MemorySegment kept = f.allocate(8);
            long committed = f.committedBytes();
            int mark = f.mark();
            MemorySegment a = f.allocate(100); // a new block, its record and map
            MemorySegment b = f.allocate(20_000); // another
            assertThat(f.committedBytes()).isGreaterThan(committed + 2 * 64 * 1024);
            f.free(a.address()); // the failed operation undoes its items, in any order
            f.free(b.address());
            assertThat(f.committedBytes()).as("the metadata pages stay until rewound")
                    .isGreaterThan(committed);
            f.rewindTo(mark);
            assertThat(f.committedBytes()).isEqualTo(committed);
            assertThat(f.mark()).isEqualTo(mark);
            assertThat(f.allocate(100).byteSize()).as("the rewound blocks serve again").isEqualTo(128);
            f.free(kept.address());
        }
    }

    @Test
    void rewindingStopsAtABlockThatHoldsALiveItem() {
        try (Fsa f = new Fsa(VirtualMemory.system(), 64 * 1024, 64)) {
            int mark = f.mark();
            MemorySegment live = f.allocate(100);
            MemorySegment gone = f.allocate(20_000);
            f.free(gone.address());
            long committed = f.committedBytes();
            f.rewindTo(mark);
            assertThat(f.mark()).as("the block of the live item stays touched").isEqualTo(mark + 1);
            assertThat(f.committedBytes()).isLessThanOrEqualTo(committed).isGreaterThanOrEqualTo(64 * 1024);
            assertThat(f.sizeOf(live.address())).isEqualTo(128);
            f.free(live.address());
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
