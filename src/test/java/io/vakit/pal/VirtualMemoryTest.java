package io.vakit.pal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Real reservations through mmap: no fake operating system. */
class VirtualMemoryTest {
    private static final long GIB = 1L << 30;
    private final long page = VirtualMemory.pageSize();

    @Test
    void pageSizeComesFromSysconf() {
        assertThat(page).isPositive();
        assertThat(Long.bitCount(page)).isEqualTo(1);
    }

    @Test
    void reserves64GiBOnA24GiBMachineCommitsUsesDecommitsAndReleases() {
        try (Reservation r = VirtualMemory.system().reserve(64 * GIB)) {
            long offset = 32 * GIB;
            r.commit(offset, 4 * page);
            MemorySegment s = r.segment(offset, 4 * page);
            s.fill((byte) 0x5A);
            assertThat(s.get(ValueLayout.JAVA_BYTE, 4 * page - 1)).isEqualTo((byte) 0x5A);

            r.decommit(offset, 4 * page);
            r.commit(offset, 4 * page);
            assertThat(s.elements(ValueLayout.JAVA_BYTE).allMatch(b -> b.get(ValueLayout.JAVA_BYTE, 0) == 0))
                    .as("a decommitted range reads as zero").isTrue();
        }
    }

    @Test
    void resetDropsThePagesButKeepsThemUsable() {
        try (Reservation r = VirtualMemory.system().reserve(4 * page)) {
            r.commit(0, 4 * page);
            MemorySegment s = r.segment(0, 4 * page);
            s.fill((byte) 7);
            r.reset(page, 2 * page);
            assertThat(s.get(ValueLayout.JAVA_BYTE, 0)).isEqualTo((byte) 7);
            assertThat(s.get(ValueLayout.JAVA_BYTE, page)).isZero(); // dropped: reads zero, and does not fault
            assertThat(s.get(ValueLayout.JAVA_BYTE, 3 * page - 1)).isZero();
            assertThat(s.get(ValueLayout.JAVA_BYTE, 3 * page)).isEqualTo((byte) 7);
            s.set(ValueLayout.JAVA_BYTE, page, (byte) 9); // still committed
            assertThat(s.get(ValueLayout.JAVA_BYTE, page)).isEqualTo((byte) 9);
            assertThatThrownBy(() -> r.reset(1, page)).hasMessageContaining("reset(offset=1");
        }
    }

    @Test
    void alignsToAnyPowerOfTwo() {
        for (long alignment : new long[] {page, 2 * page, 1L << 21, GIB}) {
            try (Reservation r = VirtualMemory.system().reserve(4 * page, alignment)) {
                assertThat(r.base() % alignment).as("alignment %d", alignment).isZero();
                assertThat(r.contains(r.base(), 4 * page)).isTrue();
                assertThat(r.contains(r.base() + 1, 4 * page)).isFalse();
            }
        }
    }

    @Test
    void badArgumentsGetClearErrors() {
        VirtualMemory vm = VirtualMemory.system();
        assertThatThrownBy(() -> vm.reserve(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserve(size=0").hasMessageContaining("positive multiple of the page size");
        assertThatThrownBy(() -> vm.reserve(page + 1)).hasMessageContaining("multiple of the page size");
        assertThatThrownBy(() -> vm.reserve(page, 3 * page)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> vm.reserve(page, page / 2)).hasMessageContaining(">= the page size");
        assertThatThrownBy(() -> vm.reserve(Long.MAX_VALUE & -page, 1L << 62)).hasMessageContaining("overflows");
        try (Reservation r = vm.reserve(4 * page)) {
            assertThatThrownBy(() -> r.commit(3 * page, 2 * page)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("commit(offset=" + 3 * page).hasMessageContaining("outside");
            assertThatThrownBy(() -> r.commit(1, page)).hasMessageContaining("multiples of the page size");
            assertThatThrownBy(() -> r.segment(-1, 1)).hasMessageContaining("outside");
        }
    }

    @Test
    void useAfterReleaseAndDoubleReleaseAreRefused() {
        Reservation r = VirtualMemory.system().reserve(page);
        r.close();
        assertThat(r.released()).isTrue();
        assertThatThrownBy(() -> r.commit(0, page)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already released");
        assertThatThrownBy(r::close).isInstanceOf(IllegalStateException.class).hasMessageContaining("release(");
    }

    @Test
    void aRealKernelRefusalNamesTheCallArgumentsAndErrno() {
        assertThatThrownBy(() -> VirtualMemory.system().reserve(1L << 62))
                .isInstanceOfSatisfying(VirtualMemoryException.class, e -> {
                    assertThat(e.call()).isEqualTo(Syscall.MMAP);
                    assertThat(e.errnoName()).isEqualTo("ENOMEM");
                    assertThat(e.injected()).isFalse();
                    assertThat(e.outOfAddressSpace()).isTrue();
                })
                .hasMessageContaining("mmap(addr=0x0, length=" + (1L << 62))
                .hasMessageContaining("MAP_NORESERVE").hasMessageContaining("failed: ENOMEM");
    }

    @Test
    void faultPlanFailsTheNthCallOnly() {
        FaultPlan plan = FaultPlan.none().failNth(Syscall.MMAP, 2, Errno.ENOMEM);
        VirtualMemory vm = VirtualMemory.withFaults(plan);
        try (Reservation first = vm.reserve(page)) {
            assertThatThrownBy(() -> vm.reserve(page)).isInstanceOfSatisfying(VirtualMemoryException.class,
                    e -> assertThat(e.injected()).isTrue()).hasMessageContaining("ENOMEM")
                    .hasMessageContaining("injected");
            try (Reservation third = vm.reserve(page)) {
                assertThat(third.base()).isNotEqualTo(first.base());
            }
        }
        assertThat(plan.calls(Syscall.MMAP)).isEqualTo(3);
    }

    @Test
    void faultPlanCanFailCommitAndDecommit() {
        FaultPlan plan = FaultPlan.none();
        try (Reservation r = VirtualMemory.withFaults(plan).reserve(2 * page)) {
            plan.failNth(Syscall.MPROTECT, 1, Errno.EACCES);
            assertThatThrownBy(() -> r.commit(0, page)).hasMessageContaining("mprotect(")
                    .hasMessageContaining("PROT_READ|PROT_WRITE").hasMessageContaining("EACCES");
            r.commit(0, page);
            plan.failAlways(Syscall.MADVISE, Errno.EINVAL);
            assertThatThrownBy(() -> r.decommit(0, page)).hasMessageContaining("madvise(")
                    .hasMessageContaining("MADV_DONTNEED").hasMessageContaining("EINVAL");
            plan.clear();
            r.decommit(0, page);
        }
    }

    @Test
    void errnoNamesComeFromTheLinuxTable() {
        assertThat(Errno.name(12)).isEqualTo("ENOMEM");
        assertThat(Errno.name(22)).isEqualTo("EINVAL");
        assertThat(Errno.name(9999)).isEqualTo("errno 9999");
    }

    @Test
    void reservesAtAFixedAddressWithoutClobberingWhatIsThere() {
        VirtualMemory vm = VirtualMemory.system();
        long address;
        try (Reservation probe = vm.reserve(8 * page)) {
            address = probe.base(); // a range known to be free once the probe is gone
        }
        try (Reservation fixed = vm.reserveAt(address, 8 * page)) {
            assertThat(fixed.base()).isEqualTo(address);
            fixed.commit(0, page);
            fixed.segment(0, 8).set(ValueLayout.JAVA_LONG, 0, 42);
            assertThatThrownBy(() -> vm.reserveAt(address + 4 * page, 8 * page))
                    .isInstanceOfSatisfying(VirtualMemoryException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EEXIST");
                        assertThat(e.getMessage()).contains("MAP_FIXED_NOREPLACE").contains(Long.toHexString(address + 4 * page));
                    });
            assertThat(fixed.segment(0, 8).get(ValueLayout.JAVA_LONG, 0)).as("nothing clobbered").isEqualTo(42);
        }
        assertThatThrownBy(() -> vm.reserveAt(address + 1, page)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserveAt");
        assertThatThrownBy(() -> vm.reserveAt(address, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reservesTheSeedsFixedPartitionRange() {
        // seed 004: partition k at 2^40 + (2^38 << k), for 1024 threads: 2^40 + 2^38 .. 2^40 + 2^46
        long start = (1L << 40) + (1L << 38);
        long size = (1L << 46) - (1L << 38);
        try (Reservation r = VirtualMemory.system().reserveAt(start, size)) {
            assertThat(r.base()).isEqualTo(start);
            assertThat(r.size()).isEqualTo(size);
        }
    }
}
