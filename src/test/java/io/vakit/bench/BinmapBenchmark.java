package io.vakit.bench;

import io.vakit.ds.Binmap;
import java.util.BitSet;
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

/**
 * Claim the lowest free bit and release it again, in a 2^20-bit map whose first {@code used} bits are taken:
 * the binmap (O(levels)) against {@link BitSet#nextClearBit} (a scan of the used prefix), in one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BinmapBenchmark {
    private static final int CAPACITY = 1 << 20;

    @Param({"0", "4096", "524288"})
    int used;

    private Binmap binmap;
    private BitSet bitSet;

    @Setup(Level.Trial)
    public void setUp() {
        binmap = Binmap.allocate(CAPACITY, Binmap.WordSize.W64);
        bitSet = new BitSet(CAPACITY);
        for (int i = 0; i < used; i++) {
            binmap.set(i);
            bitSet.set(i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        binmap.close();
    }

    @Benchmark
    public long binmapFindAndSetThenClear() {
        long i = binmap.findAndSet();
        binmap.clear(i);
        return i;
    }

    @Benchmark
    public long bitSetNextClearBitThenClear() {
        int i = bitSet.nextClearBit(0);
        bitSet.set(i);
        bitSet.clear(i);
        return i;
    }
}
