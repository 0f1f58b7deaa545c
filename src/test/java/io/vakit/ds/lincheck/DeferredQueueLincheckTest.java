package io.vakit.ds.lincheck;

import io.vakit.ds.DeferredQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * {@link DeferredQueue} is linearizable against a sequential queue: pushes from several threads, drains by one
 * (the owner: the non-parallel group {@code owner}) return exactly what was pushed since the last drain, in order.
 */
@Param(name = "value", gen = IntGen.class, conf = "1:9")
public class DeferredQueueLincheckTest {
    private final DeferredQueue queue = new DeferredQueue();

    /** Pushes a value (any thread). */
    @Operation
    public void push(@Param(name = "value") int value) {
        queue.push(value);
    }

    /** Drains everything (the owner only). */
    @Operation(nonParallelGroup = "owner")
    public List<Long> drain() {
        List<Long> out = new ArrayList<>();
        queue.drain(out::add);
        return out;
    }

    @Test
    void stressMode() {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        new StressOptions().iterations(scale).invocationsPerIteration(250).threads(3).actorsPerThread(3)
                .sequentialSpecification(Model.class).check(getClass());
    }

    @Test
    void modelChecking() {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        new ModelCheckingOptions().iterations(5 * scale).invocationsPerIteration(200).threads(3).actorsPerThread(2)
                .sequentialSpecification(Model.class).check(getClass());
    }

    @Test
    void modelCheckingRejectsADrainThatReadsThenClears() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ModelCheckingOptions().iterations(10)
                .invocationsPerIteration(200).threads(3).actorsPerThread(2).sequentialSpecification(Model.class)
                .check(RacyDrain.class)).isInstanceOf(AssertionError.class);
    }

    /**
     * A queue as an author might write it: the drain reads the pending list, then clears it in a second step, so a
     * push landing between the two is lost. Model checking must reject it.
     */
    @Param(name = "value", gen = IntGen.class, conf = "1:9")
    public static class RacyDrain {
        private final java.util.concurrent.atomic.AtomicReference<List<Long>> pending =
                new java.util.concurrent.atomic.AtomicReference<>(List.of());

        /** Pushes a value (copy on write, one CAS). */
        @Operation
        public void push(@Param(name = "value") int value) {
            List<Long> seen;
            List<Long> next;
            do {
                seen = pending.get();
                next = new ArrayList<>(seen);
                next.add((long) value);
            } while (!pending.compareAndSet(seen, List.copyOf(next)));
        }

        /** Drains: read, then clear (the bug). */
        @Operation(nonParallelGroup = "owner")
        public List<Long> drain() {
            List<Long> out = pending.get();
            pending.set(List.of());
            return out;
        }
    }

    /** The sequential specification: a FIFO queue, drained whole. */
    public static final class Model {
        private final ArrayDeque<Long> values = new ArrayDeque<>();

        /** Appends. */
        public void push(int value) {
            values.addLast((long) value);
        }

        /** Everything, oldest first; now empty. */
        public List<Long> drain() {
            List<Long> out = new ArrayList<>(values);
            values.clear();
            return out;
        }
    }
}
