package io.vakit.spec.contract;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The contract's second thread: one daemon thread per process, which never allocates, on which the action "free
 * from another thread" runs. To a design with per-thread memory every free it makes is a free of another thread's
 * block: the deferred path.
 */
final class OtherThread {
    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vakit-contract-other-thread");
        t.setDaemon(true);
        return t;
    });

    private OtherThread() {}

    /** Runs {@code body} on the other thread and waits for it; what it throws is thrown here, as it was. */
    static void run(Runnable body) {
        Future<?> done = THREAD.submit(body);
        try {
            done.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the other thread freed a block", e);
        }
    }
}
