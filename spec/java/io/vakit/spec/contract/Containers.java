package io.vakit.spec.contract;

import io.vakit.spi.Placement;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The containers of an allocator as its placements show them (the level just outside a block's slot: a chunk, a
 * block of slots, a region), and the states they went through, counted from what is observed, never inferred. The
 * model knows every live block and the container its placement named, so it counts exactly how many live blocks each
 * container holds. A container is <b>full</b> when that count reaches the capacity the placement states for it
 * ({@link Placement.Level#capacity()}); a container that states none is never counted full. A free from a full
 * container, a container refilled after one, and a container whose count fell to zero and that later served again
 * (emptied and reused) follow from the same counts. A container that holds more live blocks than it states it can
 * is a violation of L1.
 */
final class Containers {
    private static final class Box {
        final String unit;
        final long bytes;
        final long slot;
        final long capacity;
        int live;
        boolean freedFromFull;
        boolean emptied;
        /** True while every slot seen starts at the container's start plus its index times the slot size. */
        boolean packed = true;
        /** A number no other box or emptying had: new when the box is made and each time its count falls to zero. */
        long epoch;

        Box(String unit, long bytes, long slot, long capacity) {
            this.unit = unit;
            this.bytes = bytes;
            this.slot = slot;
            this.capacity = capacity;
        }

        boolean sameAs(Placement.Level level, long slotBytes) {
            return unit.equals(level.unit()) && bytes == level.bytes() && slot == slotBytes
                    && capacity == level.capacity();
        }
    }

    /** What {@link #placed} found wrong: a container holding more live blocks than it states it can. */
    record Overfull(String unit, long start, long capacity, int live) {}

    private final Map<Long, Box> byStart = new HashMap<>();
    private long nextEpoch = 1;
    private final Map<Long, Long> capacityBySlot = new HashMap<>();
    private final Consumer<String> reach;

    Containers(Consumer<String> reach) {
        this.reach = reach;
    }

    /**
     * A live block was placed in {@code container}, in a slot of {@code slot} bytes. Returns the container when it
     * now holds more live blocks than its stated capacity (the model raises L1), else null.
     */
    Overfull placed(Placement.Level container, Placement.Level slotLevel) {
        long slot = slotLevel.bytes();
        long start = container.start();
        Box c = byStart.get(start);
        if (c == null || !c.sameAs(container, slot)) {
            boolean reused = c != null && c.live == 0 && c.emptied;
            if (c != null && c.live == 0 && c.slot != slot && c.capacity > 0 && container.capacity() >= 2) {
                reach.accept(States.RESLOTTED); // observed: the same start, emptied, now with slots of another size
            }
            c = new Box(container.unit(), container.bytes(), slot, container.capacity());
            c.epoch = nextEpoch++;
            c.emptied = reused;
            byStart.put(start, c);
        }
        reach.accept(States.container(c.unit));
        c.packed &= slotLevel.start() == start + slotLevel.index() * slot;
        if (tail(start) >= 0) {
            reach.accept(States.TAIL_SEEN);
        }
        if (c.capacity > 0) {
            capacityBySlot.put(slot, c.capacity);
            reach.accept(States.stated(c.unit));
            if (BurstSteps.fillable(c.capacity, slot)) {
                reach.accept(States.fillable(c.unit));
            }
        }
        if (c.emptied) {
            reach.accept(States.reused(c.unit));
            c.emptied = false;
        }
        c.live++;
        if (c.capacity > 0 && c.live > c.capacity) {
            return new Overfull(c.unit, start, c.capacity, c.live);
        }
        if (c.capacity > 0 && c.live == c.capacity) {
            reach.accept(States.full(c.unit));
            reach.accept(States.fullSlot(c.slot));
            if (c.freedFromFull) {
                reach.accept(States.refilled(c.unit));
                c.freedFromFull = false;
            }
        }
        return null;
    }

    /** A live block of the container at {@code start} was freed. */
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
        if (c.live == 0) {
            c.emptied = true;
            c.epoch = nextEpoch++;
        }
    }

    /** The live blocks of the container of equal slots at {@code start}, as the model counts them (0 if none stated). */
    int liveIn(long start) {
        Box c = byStart.get(start);
        return c == null || c.capacity <= 0 ? 0 : c.live;
    }

    /**
     * The epoch of the container of equal slots at {@code start} while it holds a live block, else -1: a container
     * that still holds the same epoch later has held a live block ever since, so the allocator cannot have given it
     * back, nor the slot (a container that states no capacity, such as a segment of runs of many sizes, may give back
     * a freed block's memory while it holds others, so it is never counted held).
     */
    long heldEpoch(long start) {
        Box c = byStart.get(start);
        return c == null || c.live == 0 || c.capacity <= 0 ? -1 : c.epoch;
    }

    /**
     * The first address of the unused tail of the container at {@code start}, or -1 when it has none: one that states
     * its capacity, whose slots were all seen packed from its start, and whose capacity times its slot size falls short
     * of its bytes. No slot starts there, and no block can cover it.
     */
    long tail(long start) {
        Box c = byStart.get(start);
        if (c == null || c.capacity <= 0 || !c.packed || c.capacity > c.bytes / c.slot) {
            return -1;
        }
        long end = c.capacity * c.slot;
        return end < c.bytes ? start + end : -1;
    }

    /**
     * The slot size of the container of equal slots at {@code start} (one that states its capacity) when it holds a
     * live block and its bytes hold {@code address}, else -1.
     */
    long heldSlotAt(long start, long address) {
        Box c = byStart.get(start);
        return c == null || c.capacity <= 0 || c.live == 0 || address < start || address - start >= c.bytes ? -1
                : c.slot;
    }

    /** The slot size of the container of equal slots at {@code start}, or -1 when none that states a capacity is. */
    long statedSlot(long start) {
        Box c = byStart.get(start);
        return c == null || c.capacity <= 0 ? -1 : c.slot;
    }

    /** The slot size of the container at {@code start}, or -1 when none was seen there. */
    long slot(long start) {
        Box c = byStart.get(start);
        return c == null ? -1 : c.slot;
    }

    /** The slot sizes whose containers stated a capacity, in no order. */
    long[] slotsSeen() {
        return capacityBySlot.keySet().stream().mapToLong(Long::longValue).toArray();
    }

    /** How many slots of {@code slot} bytes a container holds, as its placement stated, or -1 when none did. */
    long capacityHint(long slot) {
        return capacityBySlot.getOrDefault(slot, -1L);
    }
}
