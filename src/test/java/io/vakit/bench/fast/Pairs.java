package io.vakit.bench.fast;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Alloc/free pairs of one size, with 1000 blocks of that size live around them: the subject and the resident blocks.
 * A subclass names the sizes and the threads.
 */
@State(Scope.Benchmark)
public abstract class Pairs {
    @Param({"partitions-fast", "partitions", "glibc", "jemalloc", "mimalloc", "arena-confined",
            "arena-shared", "netty"})
    String subject;

    Subject s;
    private Object[] resident;

    /** The size of this trial (the subclass's {@code @Param}). */
    abstract long size();

    /** The workload's name in the memory lines. */
    abstract String workload();

    @Setup(Level.Trial)
    public void setUp() {
        s = Subject.of(subject);
        resident = new Object[1000];
        for (int i = 0; i < resident.length; i++) {
            resident[i] = s.allocResident(size());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        MemoryRecord.record(workload(), subject, size(), s.committedOverLive());
        for (Object b : resident) {
            s.free(b);
        }
        s.close();
    }

    /** One pair. */
    Object pair() {
        Object b = s.alloc(size());
        s.free(b);
        return b;
    }
}
