package io.vakit.spec.contract;

import io.vakit.spi.AddressRange;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.Feature;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.Placement;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The soak's races on one block at a time, and its close race (rules T2, T3, T4). Each round allocates one block of a
 * {@linkplain RaceKinds kind} while nothing else is live, so its free may give its container back; two real threads,
 * released together by a barrier, then free it twice (T3), or free it while the other asks {@code owner},
 * {@code placement} and {@code owns} about it until the free is done (T4). The soak ends with the close race (T2):
 * threads keep calling every operation while two threads close the allocator at once.
 */
final class RaceRounds {
    /** The most blocks a close-race thread holds: a few large mappings, far from any design's limits. */
    static final int MAX_HELD = 8;

    private RaceRounds() {}

    /** Rounds per kind and rule ({@code vakit.soak.races}). */
    static int rounds() {
        return Integer.getInteger("vakit.soak.races", 200);
    }

    /** Runs the T3 and T4 rounds on {@code a}; returns the first violation seen, or null. */
    static String freeRaces(Allocator a, List<RaceKinds> kinds, Map<String, Long> coverage) throws InterruptedException {
        var d = a.descriptor();
        boolean t3 = Rule.T3_DOUBLE_FREE_RACE.skipReason(d).isEmpty();
        boolean t4 = Rule.T4_QUERY_RACE.skipReason(d).isEmpty();
        boolean footprint = d.has(Feature.FOOTPRINT);
        for (RaceKinds kind : kinds) {
            for (int round = 0; round < rounds(); round++) {
                if (t3) {
                    String v = doubleFree(a, kind);
                    if (v != null) {
                        return Rule.T3_DOUBLE_FREE_RACE.label() + ": " + v;
                    }
                    coverage.merge(Rule.T3_DOUBLE_FREE_RACE.label(), 1L, Long::sum);
                    coverage.merge(States.PREFIX + "double free raced, " + kind.name(), 1L, Long::sum);
                }
                if (t4) {
                    MemorySegment b = a.allocate(kind.size());
                    long committed = footprint ? a.stats().committedBytes() : 0;
                    String v = queryRace(a, kind, b);
                    if (v != null) {
                        return Rule.T4_QUERY_RACE.label() + ": " + v;
                    }
                    coverage.merge(Rule.T4_QUERY_RACE.label(), 1L, Long::sum);
                    coverage.merge(States.PREFIX + "query raced a free, " + kind.name(), 1L, Long::sum);
                    if (footprint && a.stats().committedBytes() < committed) { // seen: the free gave memory back
                        coverage.merge(States.PREFIX + "query raced a give-back, " + kind.name(), 1L, Long::sum);
                    }
                }
            }
        }
        return null;
    }

    /** Two threads free one block of {@code kind}: exactly one succeeds, the other is refused as an invalid free. */
    private static String doubleFree(Allocator a, RaceKinds kind) throws InterruptedException {
        MemorySegment b = a.allocate(kind.size());
        Object[] outcome = new Object[2];
        both(() -> outcome[0] = freeOutcome(a, b), () -> outcome[1] = freeOutcome(a, b));
        int freed = (outcome[0] == null ? 1 : 0) + (outcome[1] == null ? 1 : 0);
        for (Object o : outcome) {
            if (o != null && !(o instanceof InvalidFreeException e && (e.reason() == InvalidFreeException.Reason.DOUBLE
                    || e.reason() == InvalidFreeException.Reason.UNKNOWN))) {
                return "two threads freed the " + kind + " block at 0x" + Long.toHexString(b.address()) + " at once;"
                        + " one free threw " + o + " (expected InvalidFreeException, DOUBLE or UNKNOWN, as M2)";
            }
        }
        if (freed != 1) {
            return "two threads freed the " + kind + " block at 0x" + Long.toHexString(b.address()) + " at once, and "
                    + (freed == 2 ? "both frees succeeded" : "both were refused: " + outcome[0] + "; " + outcome[1]);
        }
        return null;
    }

    private static Object freeOutcome(Allocator a, MemorySegment b) {
        try {
            a.free(b);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /**
     * One thread frees block {@code b} of {@code kind} while the other asks about it until the free is done: every
     * answer is the block's own or nothing, never another block, never an exception.
     */
    private static String queryRace(Allocator a, RaceKinds kind, MemorySegment b) throws InterruptedException {
        long at = b.address();
        long inside = at + kind.size() / 2;
        var d = a.descriptor();
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> seen = new AtomicReference<>();
        Object[] freed = new Object[1];
        both(() -> {
            freed[0] = freeOutcome(a, b);
            done.set(true);
        }, () -> {
            int asked = 0;
            while (seen.get() == null && (!done.get() || asked == 0)) {
                asked++;
                try {
                    if (d.has(Feature.OWNER_LOOKUP)) {
                        Optional<BlockInfo> o = a.owner(inside);
                        if (o.isPresent() && o.get().start() != at) {
                            seen.set("owner(0x" + Long.toHexString(inside) + ") answered the block at 0x"
                                    + Long.toHexString(o.get().start()) + ", not the block being freed at 0x"
                                    + Long.toHexString(at));
                        }
                    }
                    if (d.has(Feature.PLACEMENT)) {
                        Optional<Placement> p = a.placement(inside);
                        if (p.isPresent() && p.get().levels().getLast().start() != at) {
                            seen.set("placement(0x" + Long.toHexString(inside) + ") answered a slot at 0x"
                                    + Long.toHexString(p.get().levels().getLast().start()) + ", not the block being"
                                    + " freed at 0x" + Long.toHexString(at));
                        }
                    }
                    if (d.has(Feature.CONTAINMENT)) {
                        a.owns(at, kind.size());
                    }
                } catch (RuntimeException e) {
                    seen.set("a query about the " + kind + " block at 0x" + Long.toHexString(at) + " threw " + e
                            + " while another thread freed it");
                }
            }
        });
        if (freed[0] != null) {
            return "free of the " + kind + " block at 0x" + Long.toHexString(at) + " threw " + freed[0]
                    + " while another thread asked about it";
        }
        return seen.get() == null ? null : seen.get() + " (" + kind + ")";
    }

    /**
     * T2: {@code workers} threads allocate, free, reallocate and ask about blocks of {@code kinds} (never touching
     * their memory, each holding at most {@value #MAX_HELD}) while two threads close {@code a} at once. Every call
     * completes (an exhaustion refused is a completed call) or is refused with AllocatorClosedException; both closes return; and with FOOTPRINT, no range reserved before the close is still
     * mapped whole after it. Returns the first violation seen, or null.
     */
    static String closeRace(Allocator a, List<RaceKinds> kinds, int workers, long millis, Map<String, Long> coverage)
            throws InterruptedException {
        var d = a.descriptor();
        List<AddressRange> before = d.has(Feature.FOOTPRINT) ? a.reservedRanges() : List.of();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicBoolean closing = new AtomicBoolean();
        long[] calls = new long[workers];
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int me = w;
            threads.add(Thread.ofPlatform().name("vakit-close-race-" + w).start(() -> {
                List<MemorySegment> held = new ArrayList<>();
                java.util.SplittableRandom r = new java.util.SplittableRandom(me);
                while (failure.get() == null) {
                    String op = "?";
                    try {
                        int roll = r.nextInt(100);
                        if (held.isEmpty() || roll < 40 && held.size() < MAX_HELD) {
                            op = "allocate";
                            held.add(a.allocate(kinds.get(r.nextInt(kinds.size())).size()));
                        } else if (roll < 70) {
                            op = "free";
                            a.free(held.remove(r.nextInt(held.size())));
                        } else if (roll < 80 && d.has(Feature.REALLOC)) {
                            op = "reallocate";
                            int i = r.nextInt(held.size());
                            held.set(i, a.reallocate(held.get(i), kinds.get(r.nextInt(kinds.size())).size()));
                        } else {
                            long address = held.get(r.nextInt(held.size())).address();
                            op = "a query";
                            if (d.has(Feature.OWNER_LOOKUP)) {
                                a.owner(address);
                            }
                            if (d.has(Feature.PLACEMENT)) {
                                a.placement(address);
                            }
                            if (d.has(Feature.CONTAINMENT)) {
                                a.owns(address, 1);
                            }
                            a.stats();
                        }
                        calls[me]++;
                    } catch (AddressSpaceExhaustedException full) {
                        calls[me]++; // a typed refusal completes the call; C12 judges exhaustion elsewhere
                    } catch (AllocatorClosedException refused) {
                        if (!closing.get()) {
                            failure.compareAndSet(null, op + " was refused as closed before any close: " + refused);
                        }
                        return;
                    } catch (RuntimeException | Error e) {
                        failure.compareAndSet(null, op + " threw " + e + (closing.get() ? " while the allocator was"
                                + " being closed" : "") + "; expected it to complete or AllocatorClosedException");
                        return;
                    }
                }
            }));
        }
        Thread.sleep(millis);
        closing.set(true);
        Thread second = Thread.ofPlatform().name("vakit-close-race-closer").start(a::close);
        a.close();
        second.join();
        for (Thread t : threads) {
            t.join();
        }
        long total = java.util.Arrays.stream(calls).sum();
        coverage.merge(Rule.T2_CLOSE_RACE.label(), total, Long::sum);
        coverage.merge(States.PREFIX + "closed while " + workers + " threads called", 1L, Long::sum);
        if (failure.get() != null) {
            return Rule.T2_CLOSE_RACE.label() + ": " + failure.get();
        }
        if (KernelMemory.available()) {
            for (AddressRange range : before) {
                long last = range.end() - KernelMemory.PAGE;
                if (KernelMemory.mapped(range.start()) && KernelMemory.mapped(Math.max(range.start(), last))) {
                    return Rule.T2_CLOSE_RACE.label() + ": the range 0x" + Long.toHexString(range.start()) + "+"
                            + range.bytes() + " was still mapped after two closes that raced " + workers + " threads";
                }
            }
        }
        return null;
    }

    /** Runs {@code x} and {@code y} on two threads released at once. */
    private static void both(Runnable x, Runnable y) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(2);
        Thread other = Thread.ofPlatform().start(() -> {
            await(start);
            y.run();
        });
        await(start);
        x.run();
        other.join();
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new IllegalStateException("a race's barrier broke", e);
        }
    }
}
