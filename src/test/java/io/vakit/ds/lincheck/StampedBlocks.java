package io.vakit.ds.lincheck;

import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The blocks a Lincheck test holds between its operations, each filled with a stamp of its own. Releasing one
 * checks the stamp first: a block another thread was also given reads back "corrupt". The hold queue is guarded by
 * an on-heap lock, so model checking can interleave at it; the stamp check is one JDK call, so it does not mistake
 * a byte loop for a livelock.
 */
public final class StampedBlocks {
    private static final AtomicInteger STAMPS = new AtomicInteger();

    private record Held(MemorySegment block, byte stamp) {}

    private final ArrayDeque<Held> held = new ArrayDeque<>();

    /** Stamps {@code block} and holds it. */
    public void hold(MemorySegment block) {
        byte stamp = (byte) (1 + Math.floorMod(STAMPS.incrementAndGet(), 255));
        block.fill(stamp);
        synchronized (held) {
            held.push(new Held(block, stamp));
        }
    }

    /** Releases a held block through {@code free}: "none" when none is held, else "ok" or "corrupt". */
    public String release(Consumer<MemorySegment> free) {
        Held h;
        synchronized (held) {
            h = held.poll();
        }
        if (h == null) {
            return "none";
        }
        byte[] expected = new byte[(int) h.block().byteSize()];
        Arrays.fill(expected, h.stamp());
        boolean intact = h.block().mismatch(MemorySegment.ofArray(expected)) < 0;
        free.accept(h.block());
        return intact ? "ok" : "corrupt";
    }
}
