package io.vakit.design.sized;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.ds.Binmap;
import io.vakit.pal.VirtualMemory;
import io.vakit.spec.engine.Settings;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The design's own properties, on random runs across families and the release policies: the seed's counters match
 * an on-heap model of live slots per (family, class), and reserved = committed = exactly what the blocks, their
 * binmaps and the large mappings take (blocks are committed whole; released blocks give everything back).
 */
class SizedProperties {

    @Test
    void countersAndFootprintFollowTheModel() {
        Settings settings = Settings.fromSystemProperties();
        SplittableRandom seeds = new SplittableRandom(settings.seed());
        for (int run = 0; run < Math.max(5, settings.tries() / 6); run++) {
            long seed = seeds.nextLong();
            SplittableRandom r = new SplittableRandom(seed);
            ReleasePolicy policy = ReleasePolicy.values()[r.nextInt(3)];
            try (SizedAllocator a = new SizedProvider(SizedAllocator.Options.defaults().withPolicy(policy)).openSized()) {
                List<MemorySegment> live = new ArrayList<>();
                List<Integer> families = new ArrayList<>();
                Map<String, Long> model = new HashMap<>();
                Map<Long, Long> largeLive = new HashMap<>();
                for (int step = 0; step < 40 * settings.length(); step++) {
                    if (live.isEmpty() || r.nextInt(100) < 55) {
                        int family = r.nextInt(a.families());
                        long size = r.nextInt(50) == 0 ? 8193 + r.nextInt(100_000) : 1 + r.nextInt(r.nextBoolean() ? 64 : 8192);
                        MemorySegment s = a.allocateIn(family, size);
                        live.add(s);
                        families.add(family);
                        if (size > SizedClasses.MAX_CLASS) {
                            largeLive.put(s.address(), (size + VirtualMemory.pageSize() - 1) & -VirtualMemory.pageSize());
                        } else {
                            model.merge(family + "/" + slot(size), 1L, Long::sum);
                        }
                    } else {
                        int i = r.nextInt(live.size());
                        MemorySegment s = live.remove(i);
                        int family = families.remove(i);
                        a.freeIn(family, s);
                        if (s.byteSize() > SizedClasses.MAX_CLASS) {
                            largeLive.remove(s.address());
                        } else {
                            model.merge(family + "/" + slot(s.byteSize()), -1L, Long::sum);
                        }
                    }
                }
                long expectedReserved = largeLive.values().stream().mapToLong(Long::longValue).sum();
                for (ClassCounters c : a.counters()) {
                    assertThat(c.liveSlots()).as("seed %d, family %d, class %d", seed, c.family(), c.slotSize())
                            .isEqualTo(model.getOrDefault(c.family() + "/" + c.slotSize(), 0L));
                    SizedLayout l = SizedConfig.defaults().layout(Long.numberOfTrailingZeros(c.slotSize()));
                    long bitmap = (Binmap.bytesFor(l.capacity(), Binmap.WordSize.W64) + VirtualMemory.pageSize() - 1)
                            & -VirtualMemory.pageSize();
                    expectedReserved += c.blocks() * (l.blockSize() + bitmap);
                    if (policy == ReleasePolicy.IMMEDIATE) {
                        assertThat((long) c.blocks()).as("no empty block stays: each holds a live slot")
                                .isLessThanOrEqualTo(c.liveSlots());
                    }
                }
                assertThat(a.stats().reservedBytes()).as("seed %d", seed).isEqualTo(expectedReserved);
                assertThat(a.stats().committedBytes()).isEqualTo(expectedReserved);
                assertThat(a.stats().liveCount()).isEqualTo(live.size());
            }
        }
    }

    private static long slot(long size) {
        return size <= 1 ? 1 : Long.highestOneBit(size - 1) << 1;
    }
}
