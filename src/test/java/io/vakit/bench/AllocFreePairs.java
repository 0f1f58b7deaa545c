package io.vakit.bench;

import io.vakit.nat.GlibcProvider;
import io.vakit.spi.Allocator;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * An allocate/free pair of one size, with 1000 blocks of that size live around it: a design against glibc malloc
 * through FFM, in one run. glibc is measured twice: through the guarded SPI binding the kit uses (its live-block
 * map costs most of the time), and raw (bare malloc/free downcalls). A subclass names the design and its sizes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public abstract class AllocFreePairs {
    private Allocator design;
    private Allocator glibc;

    /** A fresh allocator of the design measured. */
    protected abstract Allocator openDesign();

    /** The size of this trial (the subclass's {@code @Param}). */
    protected abstract long size();

    @Setup(Level.Trial)
    public void setUp() {
        design = openDesign();
        glibc = new GlibcProvider().open();
        for (int i = 0; i < 1000; i++) {
            design.allocate(size());
            glibc.allocate(size());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        design.close();
        glibc.close();
    }

    @Benchmark
    public long designAllocFree() {
        MemorySegment s = design.allocate(size());
        design.free(s);
        return s.address();
    }

    @Benchmark
    public long glibcRawAllocFree() throws Throwable {
        MemorySegment s = (MemorySegment) GlibcProvider.binding().malloc().invokeExact(size());
        GlibcProvider.binding().free().invokeExact(s);
        return s.address();
    }

    @Benchmark
    public long glibcAllocFree() {
        MemorySegment s = glibc.allocate(size());
        glibc.free(s);
        return s.address();
    }
}
