package io.vakit.bench;

import io.vakit.ds.Fsa;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
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
 * One 64-byte item allocated and freed, with 1000 items live around it: the FSA (lock, record and binmap updates,
 * intrusive free list) against a bare {@link ArrayDeque} free list of preallocated slots, in one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FsaBenchmark {
    private Fsa fsa;
    private final ArrayDeque<Long> deque = new ArrayDeque<>();

    @Setup(Level.Trial)
    public void setUp() {
        fsa = new Fsa();
        for (int i = 0; i < 1000; i++) {
            fsa.allocate(64);
        }
        for (long i = 0; i < 1024; i++) {
            deque.push(i * 64);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fsa.close();
    }

    @Benchmark
    public long fsaAllocFree() {
        MemorySegment s = fsa.allocate(64);
        fsa.free(s.address());
        return s.address();
    }

    @Benchmark
    public long arrayDequeAllocFree() {
        long slot = deque.pop();
        deque.push(slot);
        return slot;
    }
}
