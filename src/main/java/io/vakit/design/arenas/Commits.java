package io.vakit.design.arenas;

import java.util.concurrent.atomic.AtomicLong;

/** The data pages an allocator's arenas have committed, in bytes: what its stats report, beside the bookkeeping. */
final class Commits {
    private final AtomicLong bytes = new AtomicLong();

    void add(long delta) {
        bytes.addAndGet(delta);
    }

    long bytes() {
        return bytes.get();
    }
}
