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
}
