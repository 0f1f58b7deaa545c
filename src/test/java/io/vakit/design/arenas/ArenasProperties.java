package io.vakit.design.arenas;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.pal.VirtualMemory;
import io.vakit.spec.engine.Settings;
import io.vakit.spi.AddressSpaceExhaustedException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The design's own properties, against a model written from spec/arenas.md, on long random runs over the seed's
 * arenas, the small configuration and {@code arenas-default}:
 * <ul>
 *   <li>best fit: every allocation of an object arena returns the block the model picks from the free ranges the
 *       allocator held just before (the smallest range that holds it, the lowest address among equals; with an
 *       alignment, the smallest in which an aligned block fits), or a new reservation's first block when none does;
 *       every slab allocation returns the lowest free slot of the oldest reservation with one;
 *   <li>coalescing is complete: after every action no two free ranges of one reservation touch, and each
 *       reservation is tiled exactly by its free ranges and its live blocks;
 *   <li>the reservations are the model's: one appears only when no reservation of the arena could serve, and an
 *       emptied one goes exactly when its arena has another;
 *   <li>the data pages committed are exactly the pages live blocks touch, and each arena's spare: the pages its last
 *       freed block alone touched (at most 4 MiB), until another run replaces them or an allocation takes them.
 * </ul>
 */
class ArenasProperties {
    private static final long KIB = 1024;
    private static final long PAGE = VirtualMemory.pageSize();

    /** A live block: where, its requested size, and its footprint in the model's reckoning. */
    private record Live(long address, long size, long footprint) {}

    /** A reservation the model knows, and when it appeared. */
    private record Res(long base, long bytes, int arena, boolean slab, long order) {}

    @Test
    void bestFitCoalescingReservationsAndCommitsFollowTheSpec() {
        Settings settings = Settings.fromSystemProperties();
        SplittableRandom seeds = new SplittableRandom(settings.seed());
        for (int run = 0; run < Math.max(6, settings.tries() / 10); run++) {
            long seed = seeds.nextLong();
            int kind = run % 3;
            try (ArenasAllocator a = kind == 0 ? new ArenasProvider().openArenas()
                    : kind == 1 ? (ArenasAllocator) new ArenasProvider().openSmall()
                    : new ArenasDefaultProvider(VirtualMemory.system(), 64L << 20).openDefault()) {
                new Run(a, kind == 2, new SplittableRandom(seed), "seed " + seed + (kind == 0 ? ", seed arenas"
                        : kind == 1 ? ", small" : ", default")).steps(30 * settings.length());
            }
        }
    }

    /** One random run against one allocator. */
    private static final class Run {
        final ArenasAllocator a;
        final boolean single;
        final SplittableRandom r;
        final String name;
        final List<Live> live = new ArrayList<>();
        final Map<Long, Res> reservations = new LinkedHashMap<>();
        final Map<Integer, long[]> spare = new HashMap<>();
        long order;
        final long focus;

        Run(ArenasAllocator a, boolean single, SplittableRandom r, String name) {
            this.a = a;
            this.single = single;
            this.r = r;
            this.name = name;
            this.focus = 1L << (9 + r.nextInt(9)); // a size many requests share, so reservations fill
            for (ArenasAllocator.ReservationView v : a.census().reservations()) { // the default's, made at open
                reservations.put(v.base(), new Res(v.base(), v.bytes(), v.arena(), v.slab(), order++));
            }
        }

        void steps(int n) {
            for (int step = 0; step < n; step++) {
                if (live.isEmpty() || r.nextInt(100) < 60) {
                    allocate(step);
                } else {
                    free(live.remove(r.nextInt(live.size())), step);
                }
                if (step % 25 == 0) {
                    check(name + ", step " + step);
                }
            }
            while (!live.isEmpty()) {
                free(live.remove(live.size() - 1), n);
            }
            check(name + ", drained");
            assertThat(a.census().dataCommitted()).as("%s: idle, only the spares stay committed", name)
                    .isEqualTo(spare.values().stream().mapToLong(x -> x[1] - x[0]).sum());
            assertThat(a.stats().committedBytes()).isLessThanOrEqualTo(a.idleCommittedBound());
        }

        long size() {
            int roll = r.nextInt(100);
            long max = a.descriptor().maxBlockSize();
            if (roll < 40) {
                return Math.max(1, focus / 2 + 1 + r.nextLong(focus / 2));
            }
            if (roll < 75) {
                return 1 + r.nextLong(4 * KIB);
            }
            if (roll < 97) {
                return 1 + r.nextLong(Math.min(max, 256 * KIB));
            } // and a few large ones
            return 1 + r.nextLong(Math.min(max, 64L << 20));
        }

        void allocate(int step) {
            long size = size();
            long alignment = r.nextInt(100) < 15 ? 1L << (4 + r.nextInt(14)) : 1;
            if (Math.max(size, alignment) > a.descriptor().maxBlockSize()) {
                return; // beyond what this configuration serves
            }
            Route route = route(size, alignment);
            long predicted = predict(route);
            long address;
            try {
                address = a.allocate(size, alignment).address();
            } catch (AddressSpaceExhaustedException e) {
                assertThat(predicted).as("%s, step %d: refused though %s fits at 0x%x", name, step, route, predicted)
                        .isNegative();
                return;
            }
            if (predicted >= 0) {
                assertThat(address).as("%s, step %d: %s", name, step, route).isEqualTo(predicted);
            } else {
                Res fresh = newReservation(address, route);
                assertThat(address).as("%s, step %d: the first block of a new reservation", name, step)
                        .isEqualTo(fresh.base);
            }
            assertThat(a.usableSize(MemorySegment.ofAddress(address).reinterpret(size))).isEqualTo(route.footprint);
            long[] sp = spare.get(route.arena);
            long first = address & -PAGE;
            long end = (address + route.footprint + PAGE - 1) & -PAGE;
            if (sp != null && first < sp[1] && sp[0] < end) {
                spare.remove(route.arena); // taken by the allocation; the rest of it decommitted
            }
            live.add(new Live(address, size, route.footprint));
        }

        void free(Live b, int step) {
            a.free(MemorySegment.ofAddress(b.address).reinterpret(b.size));
            Res res = reservationOf(b.address);
            long first = b.address & -PAGE;
            long end = (b.address + b.footprint + PAGE - 1) & -PAGE;
            boolean low = touched(first);
            boolean high = touched(end - PAGE);
            long from = low ? first + PAGE : first;
            long to = high ? end - PAGE : end;
            if (end - first == PAGE && (low || high)) {
                to = from;
            }
            if (to > from) { // the pages it alone touched replace the arena's spare
                if (to - from <= Spare.MAX) {
                    spare.put(res.arena, new long[] {from, to});
                } else {
                    spare.remove(res.arena);
                }
            }
            boolean empty = live.stream().noneMatch(x -> res.base <= x.address && x.address < res.base + res.bytes);
            long others = reservations.values().stream().filter(x -> x.arena == res.arena && x != res).count();
            if (empty && others > 0 && !single) {
                reservations.remove(res.base); // an emptied reservation goes when its arena has another
                long[] sp = spare.get(res.arena);
                if (sp != null && res.base <= sp[0] && sp[0] < res.base + res.bytes) {
                    spare.remove(res.arena);
                }
            }
        }

        /** Whether a live block touches the page at {@code page}. */
        boolean touched(long page) {
            return live.stream().anyMatch(x -> x.address < page + PAGE && page < x.address + x.footprint);
        }

        Res newReservation(long address, Route route) {
            ArenasAllocator.ReservationView v = a.census().reservations().stream()
                    .filter(x -> x.base() <= address && address < x.base() + x.bytes()).findFirst().orElseThrow();
            assertThat(reservations).as("%s: a reservation appeared only when none served", name)
                    .doesNotContainKey(v.base());
            assertThat(v.arena()).isEqualTo(route.arena);
            Res res = new Res(v.base(), v.bytes(), v.arena(), v.slab(), order++);
            reservations.put(v.base(), res);
            return res;
        }

        Res reservationOf(long address) {
            return reservations.values().stream().filter(x -> x.base <= address && address < x.base + x.bytes)
                    .findFirst().orElseThrow(() -> new AssertionError(name + ": no model reservation holds 0x"
                            + Long.toHexString(address)));
        }

        /** Where spec/arenas.md sends a request. */
        record Route(int arena, boolean slab, long footprint, long alignment) {}

        Route route(long size, long alignment) {
            if (single) {
                return new Route(0, false, round(size, 16), Math.max(16, alignment));
            }
            ArenaClasses.Arena arena = ArenaClasses.arenaOf(size);
            if (alignment <= arena.granule()) {
                return arena.strategy() == ArenaClasses.Strategy.SLAB
                        ? new Route(arena.index(), true, arena.granule(), arena.granule())
                        : new Route(arena.index(), false, round(size, arena.granule()), arena.granule());
            }
            long e = Math.max(size, alignment);
            ArenaClasses.Arena o = ArenaClasses.ARENAS.get(Math.max(3, ArenaClasses.arenaOf(e).index()));
            return new Route(o.index(), false, round(e, o.granule()), alignment);
        }

        static long round(long n, long g) {
            return (n + g - 1) / g * g;
        }

        /** The address the spec predicts, or -1 when no reservation of the arena can serve. */
        long predict(Route route) {
            if (route.slab) {
                for (Res res : reservations.values().stream().filter(x -> x.arena == route.arena)
                        .sorted(java.util.Comparator.comparingLong(Res::order)).toList()) {
                    BitSet used = new BitSet();
                    for (Live b : live) {
                        if (res.base <= b.address && b.address < res.base + res.bytes) {
                            used.set((int) ((b.address - res.base) / route.footprint));
                        }
                    }
                    int slot = used.nextClearBit(0);
                    if (slot < res.bytes / route.footprint) {
                        return res.base + slot * route.footprint;
                    }
                }
                return -1;
            }
            TreeSet<long[]> bySize = new TreeSet<>((x, y) -> x[1] != y[1] ? Long.compare(x[1], y[1])
                    : Long.compare(x[0], y[0]));
            bySize.addAll(a.census().freeRanges().get(route.arena));
            for (long[] range : bySize) {
                long at = (range[0] + route.alignment - 1) & -route.alignment;
                if (range[1] >= route.footprint && at + route.footprint <= range[0] + range[1]) {
                    return at;
                }
            }
            return -1;
        }

        void check(String at) {
            ArenasAllocator.Census census = a.census();
            assertThat(census.reservations().stream().map(ArenasAllocator.ReservationView::base).sorted().toList())
                    .as("%s: the reservations", at).isEqualTo(reservations.keySet().stream().sorted().toList());
            Map<Long, Long> tiled = new HashMap<>();
            for (Map.Entry<Integer, List<long[]>> e : census.freeRanges().entrySet()) {
                long[] previous = null;
                for (long[] range : e.getValue()) {
                    Res res = reservationOf(range[0]);
                    assertThat(range[0] + range[1]).as("%s: a free range inside its reservation", at)
                            .isLessThanOrEqualTo(res.base + res.bytes);
                    if (previous != null && previous[0] + previous[1] == range[0]) {
                        assertThat(range[0]).as("%s: free ranges touching at 0x%x are of two reservations", at,
                                range[0]).isEqualTo(res.base);
                    }
                    tiled.merge(res.base, range[1], Long::sum);
                    previous = range;
                }
            }
            // the pages live blocks touch: blocks in address order, a page shared by two counted once
            long pages = 0;
            long lastPage = -1;
            for (Live b : live.stream().sorted(java.util.Comparator.comparingLong(Live::address)).toList()) {
                Res res = reservationOf(b.address);
                if (!res.slab) {
                    tiled.merge(res.base, b.footprint, Long::sum);
                }
                long first = b.address & -PAGE;
                long end = (b.address + b.footprint + PAGE - 1) & -PAGE;
                pages += (end - first) / PAGE - (first == lastPage ? 1 : 0);
                lastPage = end - PAGE;
            }
            for (Res res : reservations.values()) {
                if (!res.slab) {
                    assertThat(tiled.getOrDefault(res.base, 0L)).as("%s: free ranges and blocks tile the reservation"
                            + " at 0x%x", at, res.base).isEqualTo(res.bytes);
                }
            }
            long spared = spare.values().stream().mapToLong(x -> x[1] - x[0]).sum();
            assertThat(census.dataCommitted()).as("%s: committed data pages are the pages live blocks touch, and the"
                    + " spares", at).isEqualTo(pages * PAGE + spared);
        }
    }
}
