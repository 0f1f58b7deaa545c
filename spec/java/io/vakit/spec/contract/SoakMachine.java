package io.vakit.spec.contract;

import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spec.engine.SimpleType;
import io.vakit.spec.engine.StateMachine;
import io.vakit.spec.engine.Violation;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bounded multi-thread soak (rule T1), as a machine of one action so that it runs where the contract runs, in a
 * worker process for a native library (a crash is then a C0 verdict): {@code threads} real threads allocate blocks of
 * the design's class edges (up to 64 KiB), write each one's pattern, check it and free it; a quarter of the blocks are
 * handed to another thread, which checks and frees them (a cross-thread free, as mimalloc's stress test and larson
 * do). Every live block is in one concurrent map, so an overlap is seen when the later of two blocks goes in. Bounded
 * in operations ({@code vakit.soak.ops} per thread) and in time ({@code vakit.soak.seconds}); it goes on past its
 * operations, and while it has not seen enough past its time too (up to three times it), until it has seen
 * {@code vakit.soak.overlaps} calls run while another thread's did, and counts T1 checked only then
 * ({@link Overlaps}). At the end the stats must say nothing is live. A
 * race is not replayable; the violation says what was seen, and by which thread.
 */
public final class SoakMachine implements StateMachine<Allocator, SoakMachine.Model> {
    /** The machine name's prefix: {@code soak:<replay name>}. */
    public static final String PREFIX = "soak:";
    /** The rule a soak checks. */
    static final Rule RULE = Rule.T1_SOAK;

    /** How many times its time a soak may run while it has not seen enough overlapped calls. */
    static final int STRETCH = 3;

    private final AllocatorProvider provider;

    /** A soak's time, in seconds ({@code vakit.soak.seconds}, default 10). */
    static long seconds() {
        return Long.getLong("vakit.soak.seconds", 10);
    }

    /** The longest a soak runs, in seconds: {@link #STRETCH} times its time. */
    public static long longestSeconds() {
        return STRETCH * seconds();
    }

    /** The soak of {@code provider}'s allocator. */
    public SoakMachine(AllocatorProvider provider) {
        this.provider = provider;
    }

    /** What a soak covered: its operations, by the rule's label and as checked operations. */
    public static final class Model {
        private final Map<String, Long> coverage = new TreeMap<>();
        /** The counters of the stats the implementation keeps itself: its final check judges only those. */
        private final AllocatorModel.StatsScope scope;
        /** Opens another allocator of the design: the race kinds are probed on one of their own. */
        private final java.util.function.Supplier<Allocator> open;

        Model(AllocatorModel.StatsScope scope, java.util.function.Supplier<Allocator> open) {
            this.scope = scope;
            this.open = open;
        }
    }

    @Override
    public String name() {
        return PREFIX + provider.replayName();
    }

    @Override
    public boolean isolated() {
        return ContractMachine.isolating(provider);
    }

    @Override
    public boolean runIsolated() {
        return ContractMachine.runIsolating(provider);
    }

    @Override
    public Allocator newSystem() {
        return provider.open();
    }

    @Override
    public Model newModel() {
        return new Model(AllocatorModel.StatsScope.of(provider), provider::open);
    }

    @Override
    public List<ActionType<Allocator, Model>> actionTypes() {
        return List.of(new SimpleType<>("soak", m -> 1, (r, m, l) -> new Soak(Integer.getInteger("vakit.soak.threads",
                4), Integer.getInteger("vakit.soak.ops", 20_000), r.nextLong()), e -> new Soak((int) e.arg(0),
                (int) e.arg(1), e.arg(2))));
    }

    @Override
    public void checkInvariants(Allocator system, Model model) {}

    @Override
    public Map<String, Long> coverage(Model model) {
        return Map.copyOf(model.coverage);
    }

    @Override
    public void dispose(Allocator system) {
        system.close();
    }

    /** {@code soak(threads, operations, seed)}: one soak. */
    record Soak(int threads, int operations, long seed) implements Action<Allocator, Model> {
        @Override
        public boolean applicable(Model m) {
            return m.coverage.isEmpty();
        }

        @Override
        public void run(Allocator a, Model m) {
            long[] sizes = java.util.Arrays.stream(States.edges(a.descriptor())).filter(s -> s <= 64 * 1024).toArray();
            long start = System.nanoTime();
            long deadline = start + seconds() * 1_000_000_000L;
            ConcurrentSkipListMap<Long, long[]> live = new ConcurrentSkipListMap<>(); // start -> {end, label}
            List<ConcurrentLinkedQueue<long[]>> inboxes = new ArrayList<>(); // {address, size, label}
            for (int t = 0; t < threads; t++) {
                inboxes.add(new ConcurrentLinkedQueue<>());
            }
            AtomicReference<String> failure = new AtomicReference<>();
            AtomicLong liveBytes = new AtomicLong();
            AtomicInteger labels = new AtomicInteger();
            AtomicLong done = new AtomicLong();
            AtomicInteger running = new AtomicInteger(threads);
            Overlaps overlaps = new Overlaps();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                workers.add(Thread.ofPlatform().name("vakit-soak-" + t).start(() -> new Worker(a, me, sizes, live,
                        liveBytes, inboxes, failure, labels, done, running, overlaps, start, deadline, seed,
                        new SplittableRandom(seed + me)).run()));
            }
            for (Thread w : workers) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while soaking", e);
                }
            }
            m.coverage.merge("count:operations", done.get(), Long::sum);
            long overlapped = overlaps.seen.sum();
            m.coverage.merge("count:overlapped calls", overlapped, Long::sum);
            m.coverage.merge("count:calls stalled", overlaps.stalled.sum(), Long::sum);
            if (overlapped >= Overlaps.required()) { // observed: T1 counts its checks only once the soak saw enough
                m.coverage.merge(RULE.label(), done.get(), Long::sum);
                m.coverage.merge(States.PREFIX + States.OVERLAPPED, overlapped, Long::sum);
            }
            if (failure.get() != null) {
                throw new Violation(RULE.label(), toString() + ": " + failure.get());
            }
            AllocatorModel.StatsScope scope = m.scope;
            Stats s = a.stats();
            if (scope.count() && s.liveCount() != 0 || scope.bytes() && s.liveBytes() != 0) {
                throw new Violation(RULE.label(), toString() + ": every block was freed, but the stats say " + s);
            }
            races(a, m);
        }

        /** The races on one block (T3, T4), then the close race (T2), which ends the soak's allocator. */
        private void races(Allocator a, Model m) {
            List<RaceKinds> kinds = RaceKinds.of(m.open);
            String v;
            try {
                v = RaceRounds.freeRaces(a, kinds, m.coverage);
                if (v == null) {
                    v = RaceRounds.closeRace(a, kinds, Math.max(2, threads - 1), 50, m.coverage);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while racing", e);
            }
            if (v != null) {
                throw new Violation(v.substring(0, v.indexOf(':')), toString() + ": " + v);
            }
        }

        @Override
        public List<Action<Allocator, Model>> simplifications() {
            List<Action<Allocator, Model>> out = new ArrayList<>();
            if (operations > 100) {
                out.add(new Soak(threads, operations / 2, seed));
            }
            if (threads > 2) {
                out.add(new Soak(threads - 1, operations, seed));
            }
            return out;
        }

        @Override
        public String toString() {
            return Encoded.format("soak", -1, threads, operations, seed);
        }
    }

    /**
     * The calls seen to run while another thread's call ran. Every call takes a tick of one clock as it begins and
     * another as it returns; a call whose two ticks are more than one apart saw another thread enter or leave the
     * allocator while it was in flight. That alone is not concurrency: a thread descheduled inside a call sees every
     * call the others make meanwhile, and on one core all of them are one after another. So a call counts as overlapped
     * only when its span is short as well, at most {@link #MAX_SPAN} ticks: a thread descheduled for a time slice sees
     * hundreds of others' calls go by. The count is what the soak observed, never what it aimed at; the soak goes on past
     * its operations (within its time) until it has seen {@link #required()} of them, and reports the state
     * {@link States#OVERLAPPED} only then.
     */
    public static final class Overlaps {
        /**
         * The most ticks an overlapped call may span: the other threads' calls begun or returned during it, a few
         * each. Found by measurement (contract.md, T1): on two cores most of a correct design's overlapped calls span 2
         * to 5 ticks; a call descheduled for a time slice spans hundreds.
         */
        static final long MAX_SPAN = 32;
        private final AtomicLong clock = new AtomicLong();
        /** The overlapped calls. */
        final java.util.concurrent.atomic.LongAdder seen = new java.util.concurrent.atomic.LongAdder();
        /** The calls that spanned more than {@link #MAX_SPAN} ticks: their thread was likely descheduled in them. */
        final java.util.concurrent.atomic.LongAdder stalled = new java.util.concurrent.atomic.LongAdder();

        /** The overlapped calls a soak must see ({@code vakit.soak.overlaps}, default 2,000). */
        public static long required() {
            return Long.getLong("vakit.soak.overlaps", 2_000);
        }

        /** A call begins: its tick, to give {@link #leave}. */
        long enter() {
            return clock.getAndIncrement();
        }

        /** The call that began at tick {@code entered} returned. */
        void leave(long entered) {
            long span = clock.getAndIncrement() - entered;
            if (span > MAX_SPAN) {
                stalled.increment();
            } else if (span > 1) {
                seen.increment();
            }
        }

        boolean enough() {
            return seen.sum() >= required();
        }
    }

    /**
     * One soaking thread. The soak runs in phases of {@value #PHASE} operations per thread; in each phase every thread
     * allocates one size (a class edge) and fills up to one window of live blocks, then drains down to none, again
     * and again: the threads contend for the same class, so its containers fill, refill, empty and are reused by
     * several threads at once, and a slot one thread frees is soon another's. Size and window come from the soak's
     * seed and the phase number, the same in every thread.
     */
    private record Worker(Allocator a, int me, long[] sizes, ConcurrentSkipListMap<Long, long[]> live,
            AtomicLong liveBytes, List<ConcurrentLinkedQueue<long[]>> inboxes, AtomicReference<String> failure, AtomicInteger labels,
            AtomicLong done, AtomicInteger running, Overlaps overlaps, long began, long deadline, long seed,
            SplittableRandom random) {
        /** Operations per thread in one phase. */
        static final int PHASE = 1000;
        /** The live bytes one thread may hold in a phase, and its windows of blocks. */
        static final long WINDOW_BYTES = 4L << 20;
        static final int[] WINDOWS = {8, 64, 512, 4096};
        /**
         * The most blocks allocated, or freed, back to back before they are checked: bursts keep the threads inside the
         * allocator at the same moments, where a refill or a free into a full container races another thread.
         */
        static final int BURST = 16;

        void run() {
            List<long[]> held = new ArrayList<>();
            boolean counted = false;
            try {
                long size = sizes[0];
                int window = 1;
                boolean filling = true;
                int phaseNumber = -1;
                for (int op = 0; (op < operationsPerThread() || !overlaps.enough()) && failure.get() == null; ) {
                    long now = System.nanoTime();
                    if (now - deadline > 0 && (overlaps.enough() || now - deadline > (STRETCH - 1) * (deadline - began))) {
                        break; // its time is up; while it has not seen enough, it may take up to STRETCH times as long
                    }
                    if (op / PHASE != phaseNumber) {
                        phaseNumber = op / PHASE;
                        SplittableRandom phase = new SplittableRandom(seed + phaseNumber);
                        size = sizes[phase.nextInt(sizes.length)];
                        window = (int) Math.max(1, Math.min(WINDOWS[phase.nextInt(WINDOWS.length)], WINDOW_BYTES / size));
                        filling = true;
                    }
                    drainInbox();
                    if (held.size() >= window) {
                        filling = false;
                    } else if (held.isEmpty()) {
                        filling = true;
                    }
                    int r = random.nextInt(100);
                    int burst = 1 + random.nextInt(BURST);
                    int calls;
                    if (held.isEmpty() || (filling ? r < 85 : r < 15)) {
                        calls = allocate(held, size, Math.min(burst, Math.max(1, window - held.size())));
                    } else if (r % 5 != 0 || inboxes.size() < 2) {
                        calls = release(held, Math.min(burst, held.size()));
                    } else {
                        int to = (me + 1 + random.nextInt(inboxes.size() - 1)) % inboxes.size();
                        inboxes.get(to).add(held.remove(random.nextInt(held.size())));
                        calls = 1; // the other thread's free
                    }
                    op += Math.max(1, calls);
                }
                for (long[] b : held) {
                    release(b, "its own");
                }
                running.decrementAndGet();
                counted = true;
                while (running.get() > 0 || !inboxes.get(me).isEmpty()) { // others may still hand blocks over
                    if (!drainInbox()) {
                        Thread.onSpinWait();
                    }
                }
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, "thread " + me + ": " + e);
                if (!counted) {
                    running.decrementAndGet();
                }
            }
        }

        private int operationsPerThread() {
            return Integer.getInteger("vakit.soak.ops", 20_000);
        }

        private boolean drainInbox() {
            boolean any = false;
            for (long[] b = inboxes.get(me).poll(); b != null; b = inboxes.get(me).poll()) {
                release(b, "another thread's");
                any = true;
            }
            return any;
        }

        /**
         * Allocates up to {@code n} blocks of {@code size} back to back, then registers and writes each one; returns
         * the allocator calls made.
         */
        private int allocate(List<long[]> held, long size, int n) {
            MemorySegment[] got = new MemorySegment[n];
            int k = 0;
            try {
                for (; k < n; k++) {
                    long tick = overlaps.enter();
                    try {
                        got[k] = a.allocate(size);
                    } finally {
                        overlaps.leave(tick);
                    }
                }
            } catch (AddressSpaceExhaustedException e) {
                long bytes = liveBytes.get();
                if (size <= AllocatorModel.modestRequest(a.descriptor()) && bytes < AllocatorModel.modestLive(a.descriptor())) {
                    fail("allocate(" + size + ") was refused for exhaustion with about " + bytes + " bytes live (a modest"
                            + " request: C12's limits for a design whose largest block is " + a.descriptor().maxBlockSize()
                            + " bytes): " + e.getMessage());
                }
                // what was allocated so far is registered
            }
            for (int i = 0; i < k; i++) {
                register(got[i], size, held);
            }
            done.addAndGet(k);
            return k;
        }

        private void register(MemorySegment s, long size, List<long[]> held) {
            int label = labels.incrementAndGet();
            long start = s.address();
            long[] prior = live.putIfAbsent(start, new long[] {start + size, label});
            if (prior != null) {
                fail("allocate(" + size + ") returned 0x" + Long.toHexString(start) + ", the start of live block #"
                        + prior[1]);
            }
            var lower = live.lowerEntry(start);
            var higher = live.higherEntry(start);
            if (lower != null && lower.getValue()[0] > start || higher != null && higher.getKey() < start + size) {
                var other = lower != null && lower.getValue()[0] > start ? lower : higher;
                fail("allocate(" + size + ") returned 0x" + Long.toHexString(start) + "+" + size + ", which overlaps live"
                        + " block #" + other.getValue()[1] + " at 0x" + Long.toHexString(other.getKey()));
            }
            Patterns.fill(a.blockMemory(), s, label, size);
            liveBytes.addAndGet(size);
            held.add(new long[] {start, size, label});
        }

        /** Checks {@code n} random blocks of its own, then frees them back to back; returns {@code n}. */
        private int release(List<long[]> held, int n) {
            MemorySegment[] out = new MemorySegment[n];
            for (int i = 0; i < n; i++) {
                out[i] = check(held.remove(random.nextInt(held.size())), "its own");
            }
            for (MemorySegment s : out) {
                free(s);
            }
            done.addAndGet(n);
            return n;
        }

        private void release(long[] b, String whose) {
            free(check(b, whose));
            done.incrementAndGet();
        }

        private void free(MemorySegment s) {
            long tick = overlaps.enter();
            try {
                a.free(s);
            } finally {
                overlaps.leave(tick);
            }
        }

        /** Checks block {@code b}'s pattern and takes it out of the live map: it is about to be freed. */
        private MemorySegment check(long[] b, String whose) {
            MemorySegment s = MemorySegment.ofAddress(b[0]).reinterpret(b[1]);
            long at = Patterns.firstMismatch(a.blockMemory(), s, (int) b[2], b[1], b[1]);
            if (at >= 0) {
                fail("block #" + b[2] + " at 0x" + Long.toHexString(b[0]) + "+" + b[1] + " (" + whose + ") was changed at"
                        + " offset " + at + " while it was live");
            }
            live.remove(b[0]);
            liveBytes.addAndGet(-b[1]);
            return s;
        }

        private void fail(String what) {
            failure.compareAndSet(null, "thread " + me + ": " + what);
            throw new IllegalStateException(what);
        }
    }
}
