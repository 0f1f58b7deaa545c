package io.vakit.bench;

import io.vakit.design.sized.SizedProvider;
import io.vakit.nat.GlibcProvider;
import io.vakit.spi.Allocator;
import java.lang.foreign.MemorySegment;
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
 * An allocate/free pair of one size, with 1000 blocks of that size live around it: the sized design against glibc
 * malloc through FFM, in one run, over the design's size range. glibc is measured twice: through the guarded SPI
 * binding the kit uses (its live-block map costs most of the time), and raw (bare malloc/free downcalls).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SizedBenchmark {
    @Param({"8", "64", "512", "4096", "65536"})
    long size;

    private Allocator sized;
    private Allocator glibc;

    @Setup(Level.Trial)
    public void setUp() {
        sized = new SizedProvider().open();
        glibc = new GlibcProvider().open();
        for (int i = 0; i < 1000; i++) {
            sized.allocate(size);
            glibc.allocate(size);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sized.close();
        glibc.close();
    }

    @Benchmark
    public long sizedAllocFree() {
        MemorySegment s = sized.allocate(size);
        sized.free(s);
        return s.address();
    }

    @Benchmark
    public long glibcRawAllocFree() throws Throwable {
        MemorySegment s = (MemorySegment) GlibcProvider.binding().malloc().invokeExact(size);
        GlibcProvider.binding().free().invokeExact(s);
        return s.address();
    }

    @Benchmark
    public long glibcAllocFree() {
        MemorySegment s = glibc.allocate(size);
        glibc.free(s);
        return s.address();
    }
}
