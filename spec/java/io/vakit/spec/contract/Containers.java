package io.vakit.spec.contract;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The containers of an allocator as its placements show them (the level just outside a block's slot: a chunk, a
 * block of slots, a region), and the states they went through. The kit cannot read a container's capacity; it
 * infers that a container was full when the allocator opened another one for the same slot size while that one held
 * as many live blocks as it ever had and none had been freed since, or refused a request for exhaustion while the
 * container that took the last block of that size was so. A free from a container known full, a container
 * refilled after it, and a container that emptied and later served again are then observable.
 */
final class Containers {
    private static final class Box {
        final String unit;
        final long bytes;
        final long slot;
        int live;
        int peak;
        int capacity = -1;
        boolean freedSincePeak;
        boolean freedFromFull;
        boolean emptied;

        Box(String unit, long bytes, long slot) {
            this.unit = unit;
            this.bytes = bytes;
            this.slot = slot;
        }
    }

    private final Map<Long, Box> byStart = new HashMap<>();
    private final Map<Long, Box> current = new HashMap<>();
    private final Map<Long, Long> capacityBySlot = new HashMap<>();
    private final Map<Long, Long> slotOfSize = new HashMap<>();
    private final Consumer<String> reach;

    Containers(Consumer<String> reach) {
        this.reach = reach;
    }

    /**
     * A block of {@code size} bytes was placed in the container {@code unit} at {@code start} of {@code bytes}, in a
     * slot of {@code slot}.
     */
    void placed(String unit, long start, long bytes, long slot, long size) {
        slotOfSize.put(size, slot);
        Box c = byStart.get(start);
        if (c == null || c.slot != slot || !c.unit.equals(unit) || c.bytes != bytes) {
            boolean reused = c != null && c.live == 0 && c.emptied;
            c = new Box(unit, bytes, slot);
            c.emptied = reused;
            byStart.put(start, c);
        }
        reach.accept(States.container(unit));
        Box previous = current.get(slot);
        if (previous != null && previous != c && previous.live > 0 && previous.live == previous.peak
                && !previous.freedSincePeak) {
            previous.capacity = Math.max(previous.capacity, previous.live);
            reach.accept(States.full(previous.unit));
            reach.accept(States.fullSlot(previous.slot));
        }
        if (c.emptied) {
            reach.accept(States.reused(unit));
            c.emptied = false;
        }
        c.live++;
        if (c.live >= c.peak) {
            c.peak = c.live;
            c.freedSincePeak = false;
        }
        if (c.capacity > 0 && c.live > c.capacity) {
            c.capacity = c.live;
        }
        if (c.freedFromFull && c.live == c.capacity) {
            reach.accept(States.refilled(unit));
            c.freedFromFull = false;
        }
        current.put(slot, c);
        capacityBySlot.put(slot, bytes / Math.max(1, slot));
    }

    /** A block of the container at {@code start} was freed. */
    void freed(long start) {
        Box c = byStart.get(start);
        if (c == null || c.live == 0) {
            return;
        }
        if (c.capacity > 0 && c.live == c.capacity) {
            reach.accept(States.freeFromFull(c.unit));
            c.freedFromFull = true;
        }
        c.live--;
        c.freedSincePeak = true;
        if (c.live == 0) {
            c.emptied = true;
        }
    }

    /**
     * A request of {@code size} bytes was refused for exhaustion: the container that took the last block of that
     * size, still at its peak with nothing freed since, was full. This is how a container is seen full where the
     * allocator never opens another (one reservation for everything).
     */
    void exhausted(long size) {
        Long slot = slotOfSize.get(size);
        Box c = slot == null ? null : current.get(slot);
        if (c != null && c.live > 0 && c.live == c.peak && !c.freedSincePeak) {
            c.capacity = Math.max(c.capacity, c.live);
            reach.accept(States.full(c.unit));
            reach.accept(States.fullSlot(c.slot));
        }
    }

    /** The slot sizes placements have shown, in no order. */
    long[] slotsSeen() {
        return capacityBySlot.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    /** About how many slots of {@code slot} bytes a container holds, from what was seen, or -1. */
    long capacityHint(long slot) {
        return capacityBySlot.getOrDefault(slot, -1L);
    }
}
