package io.vakit.bench.fast;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * A working set of 10,000 live blocks per thread, of random sizes from 16 B to 16 KiB (a power-of-two range picked
 * uniformly, then a size in it), each operation freeing a random one and allocating its replacement: per replacement,
 * in nanoseconds. Committed over live is recorded with the set live, on the one-thread run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WorkingSetBenchmark {
    static final int LIVE = 10_000;

    @Param({"partitions-fast", "partitions", "glibc", "jemalloc", "mimalloc", "arena-confined",
            "arena-shared", "netty"})
    String subject;

    Subject s;
    /** Sets still holding blocks: the last to empty closes the subject (JMH may tear this state down first). */
    final java.util.concurrent.atomic.AtomicInteger sets = new java.util.concurrent.atomic.AtomicInteger();

    @Setup(Level.Trial)
    public void setUp() {
        s = Subject.of(subject);
    }

    /** One thread's working set, and its precomputed random choices. */
    @State(Scope.Thread)
    public static class Set {
        final Object[] live = new Object[LIVE];
        final int[] slots = new int[1 << 16];
        final int[] sizes = new int[1 << 16];
        int at;
        WorkingSetBenchmark bench;
        boolean record;

        @Setup(Level.Trial)
        public void fill(WorkingSetBenchmark b, ThreadParams threads) {
            bench = b;
            record = threads.getThreadCount() == 1;
            SplittableRandom r = new SplittableRandom(threads.getThreadIndex() + 42);
            for (int i = 0; i < slots.length; i++) {
                slots[i] = r.nextInt(LIVE);
                int top = 4 + r.nextInt(11); // 2^4 .. 2^14
                sizes[i] = (1 << (top - 1)) + 1 + r.nextInt(1 << (top - 1));
            }
            b.sets.incrementAndGet();
            for (int i = 0; i < LIVE; i++) {
                live[i] = b.s.allocResident(sizes[i]);
            }
        }

        @TearDown(Level.Trial)
        public void empty() {
            if (record) {
                MemoryRecord.record("working set", bench.subject, 0, bench.s.committedOverLive());
            }
            for (Object o : live) {
                bench.s.free(o);
            }
            if (bench.sets.decrementAndGet() == 0) {
                bench.s.close();
            }
        }
    }

    private static Object replace(Subject s, Set t) {
        int i = t.at++ & (t.slots.length - 1);
        int slot = t.slots[i];
        s.free(t.live[slot]);
        Object b = s.alloc(t.sizes[i]);
        t.live[slot] = b;
        return b;
    }

    @Benchmark
    @Threads(1)
    public Object oneThread(Set t) {
        return replace(s, t);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public Object everyCpu(Set t) {
        return replace(s, t);
    }
}
