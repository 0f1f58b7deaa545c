package io.vakit.bench.fast;

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

/**
 * Alloc/free pairs of one size, with 1000 blocks of that size live around them, on one thread and on every CPU at once
 * (each thread its own pairs, one allocator shared): per pair, in nanoseconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PairsBenchmark {
    @Param({"16", "64", "256", "1024", "16384"})
    long size;

    @Param({"partitions-fast", "partitions", "glibc", "glibc-critical", "jemalloc", "mimalloc", "arena-confined",
            "arena-shared", "netty"})
    String subject;

    private Subject s;
    private Object[] resident;

    @Setup(Level.Trial)
    public void setUp() {
        s = Subject.of(subject);
        resident = new Object[1000];
        for (int i = 0; i < resident.length; i++) {
            resident[i] = s.alloc(size);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        MemoryRecord.record("pairs", subject, size, s.committedOverLive());
        for (Object b : resident) {
            s.free(b);
        }
        s.close();
    }

    @Benchmark
    @Threads(1)
    public Object oneThread() {
        Object b = s.alloc(size);
        s.free(b);
        return b;
    }

    @Benchmark
    @Threads(Threads.MAX)
    public Object everyCpu() {
        Object b = s.alloc(size);
        s.free(b);
        return b;
    }
}
