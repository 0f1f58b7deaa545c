package io.vakit.design.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spec.engine.Settings;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.Placement;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The design's own properties, against a model written from spec/partitions.md, on long random runs of two threads
 * (the test's, and a helper that allocates and frees too, so frees cross threads both ways) over the default and the
 * small configuration. For every live block, after every few steps:
 * <ul>
 *   <li>its partition is the one whose address range holds it, its slice {@code (off - start(k)) / sliceBytes};
 *   <li>its arena and part are the address aligned down to their sizes, its item {@code (a - part) / c};
 *   <li>a pool is in the partition of its class's row; a part or an arena is the smallest unit holding the block;
 *   <li>the owning thread, from the address range, is the thread that allocated it (or the one that adopted it);
 *   <li>owner lookup at any address inside it finds its start, usable size and class.
 * </ul>
 */
class PartitionsProperties {
    private static final PartitionClasses CLASSES = new PartitionClasses();

    private record Live(long address, long size, Thread by) {}

    @Test
    void parentsByAligningDownAndOwnersByRangeAgreeWithTheModel() throws Exception {
        Settings settings = Settings.fromSystemProperties();
        SplittableRandom seeds = new SplittableRandom(settings.seed());
        ExecutorService helper = Executors.newSingleThreadExecutor();
        Thread helperThread = helper.submit(Thread::currentThread).get();
        try {
            for (int run = 0; run < Math.max(4, settings.tries() / 15); run++) {
                boolean small = run % 2 == 1;
                PartitionsConfig config = small ? PartitionsConfig.small() : PartitionsConfig.defaults();
                try (PartitionsAllocator a = new PartitionsProvider(config).openPartitions()) {
                    run(a, new SplittableRandom(seeds.nextLong()), helper, helperThread, 30 * settings.length(),
                            "run " + run + (small ? " (small)" : ""));
                }
            }
        } finally {
            helper.shutdown();
        }
    }

    private static void run(PartitionsAllocator a, SplittableRandom r, ExecutorService helper, Thread helperThread,
            int steps, String name) throws Exception {
        List<Live> live = new ArrayList<>();
        for (int step = 0; step < steps; step++) {
            boolean onHelper = r.nextInt(4) == 0;
            if (live.isEmpty() || r.nextInt(100) < 55) {
                long size = size(r, a.config());
                long alignment = r.nextInt(8) == 0 ? 1L << r.nextInt(13) : 1;
                MemorySegment s;
                try {
                    s = onHelper ? helper.submit(() -> a.allocate(size, alignment)).get() : a.allocate(size, alignment);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof AddressSpaceExhaustedException) {
                        continue;
                    }
                    throw e;
                } catch (AddressSpaceExhaustedException e) {
                    continue;
                }
                assertThat(s.address() % alignment).as("%s: aligned", name).isZero();
                live.add(new Live(s.address(), size, onHelper ? helperThread : Thread.currentThread()));
            } else {
                Live b = live.remove(r.nextInt(live.size()));
                MemorySegment s = MemorySegment.ofAddress(b.address).reinterpret(b.size);
                if (onHelper) {
                    helper.submit(() -> a.free(s)).get();
                } else {
                    a.free(s);
                }
            }
            if (step % 10 == 0) {
                for (Live b : live) {
                    check(a, b, r, name + ", step " + step);
                }
            }
        }
        for (Live b : live) {
            a.free(MemorySegment.ofAddress(b.address).reinterpret(b.size));
        }
        assertThat(a.stats().liveCount()).isZero();
    }

    private static long size(SplittableRandom r, PartitionsConfig c) {
        int roll = r.nextInt(100);
        if (roll < 70) {
            return 1 + r.nextLong(PartitionClasses.MAX_POOL);
        }
        if (roll < 90) {
            return PartitionClasses.MAX_POOL + 1 + r.nextLong(c.largestPart() - PartitionClasses.MAX_POOL);
        }
        if (roll < 99 || c.maxRequest() <= c.largestArena()) {
            return c.largestPart() + 1 + r.nextLong(Math.min(c.largestArena(), 64L << 20) - c.largestPart());
        }
        return c.largestArena() + 1 + r.nextLong(Math.min(c.maxRequest() - c.largestArena() + 1, 64L << 20));
    }

    private static void check(PartitionsAllocator a, Live b, SplittableRandom r, String at) {
        PartitionsConfig c = a.config();
        BlockInfo info = a.owner(b.address).orElseThrow(() -> new AssertionError(at + ": 0x"
                + Long.toHexString(b.address) + " has no owner"));
        assertThat(info.start()).as("%s: owner's start", at).isEqualTo(b.address);
        long inside = b.address + r.nextLong(info.usableSize());
        assertThat(a.owner(inside)).as("%s: owner of 0x%x inside 0x%x", at, inside, b.address).contains(info);
        Placement p = a.placement(inside).orElseThrow();
        long base = a.reservedRanges().getFirst().start();
        long off = b.address - base;
        if (off < 0 || off >= c.reservationBytes()) {
            assertThat(p.path()).as("%s: above the partitions", at).isEqualTo("mapping");
            assertThat(b.size).as("%s: only above the largest arena (less its alignment)", at)
                    .isGreaterThan(c.largestArena() / 2);
            return;
        }
        int k = c.partitionOf(off);
        List<Placement.Level> l = p.levels();
        assertThat(l.get(0).index()).as("%s: the partition of the address range", at).isEqualTo(k);
        long inPartition = off - c.partitionOffset(k);
        assertThat(l.get(1).index()).as("%s: the slice", at).isEqualTo(inPartition / c.sliceBytes(k));
        assertThat(l.get(2).start()).as("%s: the arena, aligned down", at).isEqualTo(b.address & -c.arenaBytes(k));
        assertThat(a.ownerThread(b.address)).as("%s: the owner thread, from the range", at).contains(b.by);
        switch (p.path()) {
            case "partition/slice/arena/part/item" -> {
                int cls = CLASSES.classOf(b.size);
                assertThat(info.usableSize()).as("%s: a class at least the size's", at)
                        .isGreaterThanOrEqualTo(CLASSES.size(cls));
                assertThat(PartitionClasses.row(info.sizeClass())).as("%s: the class's row is the partition", at)
                        .isEqualTo(k);
                long part = b.address & -c.partBytes(k);
                assertThat(l.get(3).start()).as("%s: the part, aligned down", at).isEqualTo(part);
                assertThat(l.get(4).index()).as("%s: the item", at).isEqualTo((b.address - part) / info.usableSize());
            }
            case "partition/slice/arena/part" -> {
                assertThat(l.get(3).start()).isEqualTo(b.address);
                assertThat(info.usableSize()).as("%s: a part of row %d", at, k).isEqualTo(c.partBytes(k))
                        .isGreaterThanOrEqualTo(b.size);
                assertThat(k).isLessThanOrEqualTo(5);
            }
            case "partition/slice/arena" -> {
                assertThat(l.get(2).start()).isEqualTo(b.address);
                assertThat(info.usableSize()).as("%s: an arena of row %d", at, k).isEqualTo(c.arenaBytes(k))
                        .isGreaterThanOrEqualTo(b.size);
            }
            default -> throw new AssertionError(at + ": placement " + p);
        }
    }
}
