package io.vakit.stress.edges;

import io.vakit.spec.contract.RaceKinds;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One allocator of the implementation the test names ({@link EdgeState#providerOf}; its small configuration where declared, so
 * that a free gives back often) holding one block of a race kind ({@link RaceKinds}): each state takes the next kind
 * in turn, so a run covers them all, and its outcome carries the kind's index. The block is alone in its allocator:
 * its free empties every unit that held it.
 */
public final class RaceState {
    private static final StackWalker CALLER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    /** The kinds of each implementation, found once per JVM. */
    private static final java.util.Map<String, List<RaceKinds>> KINDS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger();

    /** The allocator of this state. */
    public final Allocator allocator;
    /** The index of this state's race kind. */
    public final int kind;
    /** The one block, of that kind. */
    public final MemorySegment block;

    /** A fresh allocator of the implementation of the test that makes the state ({@link EdgeState#providerOf}). */
    public RaceState() {
        AllocatorProvider p = EdgeState.providerOf(CALLER.getCallerClass());
        List<RaceKinds> kinds = KINDS.computeIfAbsent(p.id(), id -> RaceKinds.of(() -> EdgeState.open(p)));
        allocator = EdgeState.open(p);
        kind = Math.floorMod(NEXT.getAndIncrement(), kinds.size());
        block = allocator.allocate(kinds.get(kind).size());
    }
}
