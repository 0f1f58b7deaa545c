package io.vakit.kit.lincheck;

import io.vakit.spi.Allocator;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The allocators Lincheck's scenarios open, one per scenario: Lincheck runs invocations one at a time and closes none,
 * so each new one retires the one before, at once, so that memory (and a native pool's slots) come back without
 * waiting for the GC. The previous allocator is closed on a thread of its own, started by {@link #startCloser}: an
 * invocation Lincheck abandons (to re-run it for a trace, say) may leave the implementation's own lock taken by a
 * thread that has moved on; closing that allocator then waits forever. On this thread it waits alone, and the check
 * goes on: the harness never hangs on an implementation's lock.
 */
final class ScenarioAllocators {
    private static final Object LOCK = new Object();
    private static final LinkedBlockingQueue<Allocator> TO_CLOSE = new LinkedBlockingQueue<>();
    private static java.util.List<Allocator> previous = java.util.List.of();
    private static volatile Thread closer;

    private ScenarioAllocators() {}

    /** Registers {@code a}, the allocator of the scenario starting now, and retires the previous ones. */
    static void opened(Allocator a) {
        opened(java.util.List.of(a));
    }

    /** Registers {@code all}, the allocators of the scenario starting now, and retires the previous ones. */
    static void opened(java.util.List<Allocator> all) {
        synchronized (LOCK) {
            previous.forEach(ScenarioAllocators::retire);
            previous = java.util.List.copyOf(all);
        }
    }

    /** Starts the closer thread, if it is not running. */
    static synchronized void startCloser() {
        if (closer == null || !closer.isAlive()) {
            closer = Thread.ofPlatform().daemon().name("vakit-lincheck-closer").start(() -> {
                while (true) {
                    try {
                        TO_CLOSE.take().close();
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        // a close that failed: what it held stays taken until the JVM ends
                    }
                }
            });
        }
    }

    /** Closes {@code a} on the closer thread when it runs, else now. */
    private static void retire(Allocator a) {
        if (closer != null && closer.isAlive()) {
            TO_CLOSE.add(a);
        } else {
            a.close();
        }
    }
}
