package io.vakit.stress.edges;

import io.vakit.spec.contract.RaceKinds;
import io.vakit.spi.Allocator;
import io.vakit.spi.Feature;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One allocator of the implementation {@code -Dvakit.stress.impl} names (its small configuration where declared, so
 * that a free gives back often) holding one block of a race kind ({@link RaceKinds}): each state takes the next kind
 * in turn, so a run covers them all, and its outcome carries the kind's index. The block is alone in its allocator:
 * its free empties every unit that held it.
 */
final class RaceState {
    /** The kinds of this JVM's implementation, found once. */
    static final List<RaceKinds> KINDS = RaceKinds.of(RaceState::open);
    private static final AtomicInteger NEXT = new AtomicInteger();

    final Allocator allocator;
    final int kind;
    final MemorySegment block;

    RaceState() {
        allocator = open();
        kind = Math.floorMod(NEXT.getAndIncrement(), KINDS.size());
        block = allocator.allocate(KINDS.get(kind).size());
    }

    static Allocator open() {
        var p = EdgeState.PROVIDER;
        return p.descriptor().has(Feature.SMALL_CONFIGURATION) ? p.openSmall() : p.open();
    }
}
