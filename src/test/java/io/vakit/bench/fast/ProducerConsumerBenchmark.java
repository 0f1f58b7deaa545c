package io.vakit.bench.fast;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Control;

/**
 * One thread allocates 64-byte blocks and hands them through a bounded single-producer single-consumer ring to
 * another thread, which frees them: every free is a free from another thread. The producer's time per block is the
 * figure (the two run in step once the ring is full or empty).
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProducerConsumerBenchmark {
    static final int RING = 1024;
    static final long SIZE = 64;

    @Param({"partitions-fast", "partitions", "glibc", "jemalloc", "mimalloc", "arena-shared",
            "netty"})
    String subject;

    private Subject s;
    private final AtomicReferenceArray<Object> ring = new AtomicReferenceArray<>(RING);
    private long produced;
    private long consumed;

    @Setup(Level.Trial)
    public void setUp() {
        s = Subject.of(subject);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        MemoryRecord.record("producer/consumer", subject, SIZE, s.committedOverLive()); // the ring's blocks live
        for (int i = 0; i < RING; i++) {
            Object b = ring.getAndSet(i, null);
            if (b != null) {
                s.free(b);
            }
        }
        s.close();
    }

    @Benchmark
    @Group("handOver")
    @GroupThreads(1)
    public void produce(Control control) {
        Object b = s.alloc(SIZE);
        int i = (int) (produced & (RING - 1));
        while (ring.getAcquire(i) != null) {
            if (control.stopMeasurement) {
                s.free(b);
                return;
            }
            Thread.onSpinWait();
        }
        ring.setRelease(i, b);
        produced++;
    }

    @Benchmark
    @Group("handOver")
    @GroupThreads(1)
    public void consume(Control control) {
        int i = (int) (consumed & (RING - 1));
        Object b;
        while ((b = ring.getAcquire(i)) == null) {
            if (control.stopMeasurement) {
                return;
            }
            Thread.onSpinWait();
        }
        ring.setRelease(i, null);
        consumed++;
        s.free(b);
    }
}
