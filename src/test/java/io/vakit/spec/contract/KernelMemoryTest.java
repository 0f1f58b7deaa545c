package io.vakit.spec.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import io.vakit.spi.AddressRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the kit asks the kernel, against a real mapping; and smaps entries listed twice count once. */
class KernelMemoryTest {

    @Test
    void overlappingEntriesOfOneReadCountOnce() {
        // a mapping merged with its neighbour while smaps was read: listed once alone, then again as the union
        List<KernelMemory.Mapping> read = List.of(new KernelMemory.Mapping(0x10000, 0x20000, 0x4000),
                new KernelMemory.Mapping(0x10000, 0x30000, 0x9000), new KernelMemory.Mapping(0x40000, 0x50000, 0x1000));
        assertThat(KernelMemory.disjoint(read)).containsExactly(new KernelMemory.Mapping(0x10000, 0x30000, -1),
                new KernelMemory.Mapping(0x40000, 0x50000, 0x1000));
    }

    @Test
    void residentIsWhatWasTouched() {
        long page = KernelMemory.PAGE;
        try (Reservation r = VirtualMemory.system().reserve(64 * page)) {
            r.commit(0, 64 * page);
            List<AddressRange> range = List.of(new AddressRange(r.base(), r.size()));
            assertThat(KernelMemory.resident(range)).isZero();
            r.segment(3 * page, 5 * page).fill((byte) 1);
            assertThat(KernelMemory.resident(range)).isEqualTo(5 * page);
            r.reset(3 * page, 5 * page);
            assertThat(KernelMemory.resident(range)).isZero();
        }
    }

    /** A range is mapped throughout while every page of it is, committed or not; once unmapped, it is not. */
    @Test
    void mappedThroughoutAsksEveryPage() {
        long page = KernelMemory.PAGE;
        long base;
        try (Reservation r = VirtualMemory.system().reserve(8 * page)) {
            base = r.base();
            r.commit(2 * page, page);
            assertThat(KernelMemory.mappedThroughout(base, base + 8 * page)).isTrue();
            assertThat(KernelMemory.mappedThroughout(base + page + 1, base + 3 * page - 1)).as("pages, not bytes")
                    .isTrue();
            assertThat(KernelMemory.mappedThroughout(base, base)).as("an empty range holds no page").isFalse();
        }
        assertThat(KernelMemory.mappedThroughout(base, base + 8 * page)).isFalse();
    }

    /** Small ranges are asked of mincore alone; a hole in them, or a large range, goes by smaps: the same answer. */
    @Test
    void mincoreAloneAgreesWithSmaps() {
        long page = KernelMemory.PAGE;
        try (Reservation r = VirtualMemory.system().reserve(64 * page)) {
            r.commit(0, 64 * page);
            r.segment(1 * page, 7 * page).fill((byte) 1);
            r.segment(40 * page, 2 * page).fill((byte) 1);
            List<AddressRange> ranges = List.of(new AddressRange(r.base(), 20 * page),
                    new AddressRange(r.base() + 20 * page, 44 * page));
            assertThat(KernelMemory.residentDirectly(ranges)).isEqualTo(9 * page);
            assertThat(KernelMemory.resident(ranges)).isEqualTo(9 * page);
            List<AddressRange> big = List.of(new AddressRange(r.base(), (KernelMemory.DIRECT_PAGES + 1) * page));
            assertThat(KernelMemory.residentDirectly(big)).as("too large: smaps").isEqualTo(-1);
        }
        try (Reservation r = VirtualMemory.system().reserve(8 * page)) {
            r.commit(0, 8 * page);
            r.segment(0, page).fill((byte) 1);
            List<AddressRange> withHole = List.of(new AddressRange(r.base(), 8 * page),
                    new AddressRange(r.base() + 8 * page + 64L * 1024 * 1024 * 1024, page));
            assertThat(KernelMemory.residentDirectly(withHole)).as("a page not mapped: smaps").isEqualTo(-1);
            assertThat(KernelMemory.resident(withHole)).isEqualTo(page);
        }
    }
}
