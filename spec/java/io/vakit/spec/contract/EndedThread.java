package io.vakit.spec.contract;

/**
 * A thread that lives for one call: the action "allocate on a thread that then ends" starts it, runs the allocation on
 * it and waits until it has ended. To a design with per-thread memory the block then belongs to the heap of a thread
 * that is gone: the heap another thread must adopt, and whose blocks every later free reaches from outside.
 *
 * <p>It is a virtual thread. Decision: with a platform thread, a mapping appeared in the range {@code groups}' close
 * had just unmapped, and the kernel check after close (C11) blamed the design (once in two main jobs; not on replay).
 * A platform thread maps its stack, and its native teardown may still run after {@code join} returns: the likeliest
 * source. A virtual thread maps nothing of its own: a Java design sees a {@link Thread} that has
 * ended; a native library sees the carrier thread, which does not end, so to it the action is an allocation from
 * another thread.
 */
final class EndedThread {
    private static final java.util.concurrent.atomic.AtomicLong STARTED = new java.util.concurrent.atomic.AtomicLong();

    private EndedThread() {}

    /**
     * Runs {@code body} on a new virtual thread and returns once that thread has ended; what it threw is thrown here,
     * as it was.
     */
    static void run(Runnable body) {
        Throwable[] thrown = new Throwable[1];
        Thread t = Thread.ofVirtual().name("vakit-contract-ended-thread-" + STARTED.incrementAndGet())
                .unstarted(() -> {
                    try {
                        body.run();
                    } catch (Throwable e) {
                        thrown[0] = e;
                    }
                });
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a short-lived thread allocated", e);
        }
        if (thrown[0] instanceof RuntimeException r) {
            throw r;
        }
        if (thrown[0] instanceof Error err) {
            throw err;
        }
        if (thrown[0] != null) {
            throw new IllegalStateException(thrown[0]);
        }
    }
}
