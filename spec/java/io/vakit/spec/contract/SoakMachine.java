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
 * in operations ({@code vakit.soak.ops} per thread) and in time ({@code vakit.soak.seconds}); at the end the stats
 * must say nothing is live. A race is not replayable; the violation says what was seen, and by which thread.
 */
public final class SoakMachine implements StateMachine<Allocator, SoakMachine.Model> {
    /** The machine name's prefix: {@code soak:<replay name>}. */
    public static final String PREFIX = "soak:";
    /** The rule a soak checks. */
    static final Rule RULE = Rule.T1_SOAK;

    private final AllocatorProvider provider;

    /** The soak of {@code provider}'s allocator. */
    public SoakMachine(AllocatorProvider provider) {
        this.provider = provider;
    }

    /** What a soak covered: its operations, by the rule's label and as checked operations. */
    public static final class Model {
        private final Map<String, Long> coverage = new TreeMap<>();
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
    public Allocator newSystem() {
        return provider.open();
    }

    @Override
    public Model newModel() {
        return new Model();
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
            long deadline = System.nanoTime() + Long.getLong("vakit.soak.seconds", 10) * 1_000_000_000L;
            ConcurrentSkipListMap<Long, long[]> live = new ConcurrentSkipListMap<>(); // start -> {end, label}
            List<ConcurrentLinkedQueue<long[]>> inboxes = new ArrayList<>(); // {address, size, label}
            for (int t = 0; t < threads; t++) {
                inboxes.add(new ConcurrentLinkedQueue<>());
            }
            AtomicReference<String> failure = new AtomicReference<>();
            AtomicInteger labels = new AtomicInteger();
            AtomicLong done = new AtomicLong();
            AtomicInteger running = new AtomicInteger(threads);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                workers.add(Thread.ofPlatform().name("vakit-soak-" + t).start(() -> new Worker(a, me, sizes, live,
                        inboxes, failure, labels, done, running, deadline, new SplittableRandom(seed + me)).run()));
            }
            for (Thread w : workers) {
                try {
                    w.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while soaking", e);
                }
            }
            m.coverage.merge(RULE.label(), done.get(), Long::sum);
            m.coverage.merge("count:operations", done.get(), Long::sum);
            if (failure.get() != null) {
                throw new Violation(RULE.label(), toString() + ": " + failure.get());
            }
            Stats s = a.stats();
            if (s.liveCount() != 0 || s.liveBytes() != 0) {
                throw new Violation(RULE.label(), toString() + ": every block was freed, but the stats say " + s);
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

    /** One soaking thread. */
    private record Worker(Allocator a, int me, long[] sizes, ConcurrentSkipListMap<Long, long[]> live,
            List<ConcurrentLinkedQueue<long[]>> inboxes, AtomicReference<String> failure, AtomicInteger labels,
            AtomicLong done, AtomicInteger running, long deadline, SplittableRandom random) {

        void run() {
            List<long[]> held = new ArrayList<>();
            boolean counted = false;
            try {
                for (int op = 0; op < operationsPerThread() && failure.get() == null; op++) {
                    if ((op & 255) == 0 && System.nanoTime() > deadline) {
                        break;
                    }
                    drainInbox();
                    int r = random.nextInt(100);
                    if (held.isEmpty() || held.size() < 64 && r < 50) {
                        allocate(held);
                    } else if (r < 80 || inboxes.size() < 2) {
                        release(held.remove(random.nextInt(held.size())), "its own");
                    } else {
                        int to = (me + 1 + random.nextInt(inboxes.size() - 1)) % inboxes.size();
                        inboxes.get(to).add(held.remove(random.nextInt(held.size())));
                    }
                    done.incrementAndGet();
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

        private void allocate(List<long[]> held) {
            long size = sizes[random.nextInt(sizes.length)];
            MemorySegment s;
            try {
                s = a.allocate(size);
            } catch (AddressSpaceExhaustedException e) {
                return;
            }
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
            Patterns.fill(s, label, size);
            held.add(new long[] {start, size, label});
        }

        private void release(long[] b, String whose) {
            MemorySegment s = MemorySegment.ofAddress(b[0]).reinterpret(b[1]);
            long at = Patterns.firstMismatch(s, (int) b[2], b[1]);
            if (at >= 0) {
                fail("block #" + b[2] + " at 0x" + Long.toHexString(b[0]) + "+" + b[1] + " (" + whose + ") was changed at"
                        + " offset " + at + " while it was live");
            }
            live.remove(b[0]);
            a.free(s);
        }

        private void fail(String what) {
            failure.compareAndSet(null, "thread " + me + ": " + what);
            throw new IllegalStateException(what);
        }
    }
}
