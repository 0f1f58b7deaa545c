package io.vakit.bench.fast;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link Pairs} on every CPU at once (each thread its own pairs, one allocator shared), at 64 bytes: per
 * pair, in nanoseconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PairsEveryCpuBenchmark extends Pairs {
    @Param({"64"})
    long size;

    @Override
    long size() {
        return size;
    }

    @Override
    String workload() {
        return "pairs, every CPU";
    }

    @Benchmark
    @Threads(Threads.MAX)
    public Object everyCpu() {
        return pair();
    }
}
