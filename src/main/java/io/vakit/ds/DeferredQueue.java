package io.vakit.ds;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * A multi-producer, single-consumer queue of longs (block addresses): the deferred frees of seed 004. Any thread
 * {@linkplain #push pushes} (lock-free: one compare-and-set, retried only when another push won); the owner
 * {@linkplain #drain drains} everything pushed so far at once (one get-and-set), in push order.
 *
 * <p>Linearizable: a push takes effect at its successful compare-and-set, a drain at its get-and-set, and a drain
 * returns exactly the values pushed before it and after the previous drain. A push never waits for the consumer
 * (nor the consumer for a push), so a thread freeing another thread's block is never blocked by its owner.
 * {@code ds.lincheck.DeferredQueueLincheckTest} checks it against a sequential queue, JCStress
 * ({@code DeferredPushesDrainedOnce}) that concurrent pushes are each drained exactly once.
 *
 * <p>Nodes are on the heap (one per pending value): the queue holds no memory of its own to give back, and the
 * drained nodes go to the garbage collector, so no ABA problem can arise.
 */
public final class DeferredQueue {
    private static final class Node {
        final long value;
        final Node next;

        Node(long value, Node next) {
            this.value = value;
            this.next = next;
        }
    }

    /** The newest value first (a Treiber stack); a drain reverses its batch. */
    private final AtomicReference<Node> top = new AtomicReference<>();

    /** Adds {@code value}; from any thread. */
    public void push(long value) {
        Node seen;
        Node n;
        do {
            seen = top.get();
            n = new Node(value, seen);
        } while (!top.compareAndSet(seen, n));
    }

    /** Whether nothing is pending now (a hint for the consumer: a push may land right after). */
    public boolean isEmpty() {
        return top.get() == null;
    }

    /**
     * Hands every value pushed so far and not yet drained to {@code sink}, newest first, without taking them: a
     * snapshot (nodes are never changed once pushed), so it is safe from any thread. Returns how many.
     */
    public int forEachPending(LongConsumer sink) {
        int n = 0;
        for (Node at = top.get(); at != null; at = at.next) {
            sink.accept(at.value);
            n++;
        }
        return n;
    }

    /**
     * Takes every value pushed so far and hands them to {@code sink} in push order; by the owner thread. Returns how
     * many.
     */
    public int drain(LongConsumer sink) {
        Node batch = top.getAndSet(null);
        if (batch == null) {
            return 0;
        }
        int n = 0;
        for (Node at = batch; at != null; at = at.next) {
            n++;
        }
        long[] values = new long[n];
        int i = n;
        for (Node at = batch; at != null; at = at.next) {
            values[--i] = at.value;
        }
        for (long v : values) {
            sink.accept(v);
        }
        return n;
    }
}
