package io.vakit.bench;

import io.vakit.design.groups.GroupsProvider;
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
 * An allocate/free pair of one size, with 1000 blocks of that size live around it: the groups design against glibc
 * malloc through FFM, in one run, over its Groups A and B. glibc is measured twice: through the guarded SPI
 * binding the kit uses (its live-block map costs most of the time), and raw (bare malloc/free downcalls).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GroupsBenchmark {
    @Param({"16", "256", "4096", "32768", "262144", "4194304"})
    long size;

    private Allocator groups;
    private Allocator glibc;

    @Setup(Level.Trial)
    public void setUp() {
        groups = new GroupsProvider().open();
        glibc = new GlibcProvider().open();
        for (int i = 0; i < 1000; i++) {
            groups.allocate(size);
            glibc.allocate(size);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        groups.close();
        glibc.close();
    }

    @Benchmark
    public long groupsAllocFree() {
        MemorySegment s = groups.allocate(size);
        groups.free(s);
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
