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

/** {@link Pairs} on one thread, at 16, 64, 256 and 1024 bytes and 16 KiB: per pair, in nanoseconds. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PairsBenchmark extends Pairs {
    @Param({"16", "64", "256", "1024", "16384"})
    long size;

    @Override
    long size() {
        return size;
    }

    @Override
    String workload() {
        return "pairs";
    }

    @Benchmark
    @Threads(1)
    public Object oneThread() {
        return pair();
    }
}
