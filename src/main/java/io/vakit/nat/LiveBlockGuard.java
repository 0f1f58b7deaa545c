package io.vakit.nat;

import io.vakit.spi.InvalidFreeException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live blocks of a native allocator, kept on the Java side so that an invalid free is refused with an
 * {@link InvalidFreeException} before it can reach native code. Lock-free: native calls are never serialised
 * by the guard, so the native allocator's own thread safety is what concurrent tests exercise.
 *
 * <p>Freed addresses are remembered until the native allocator hands them out again, to tell a double free
 * from an unknown address.
 */
public final class LiveBlockGuard {
    private final String design;
    private final ConcurrentSkipListMap<Long, Long> live = new ConcurrentSkipListMap<>();
    private final Set<Long> freed = ConcurrentHashMap.newKeySet();
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong liveCount = new AtomicLong();

    /** A guard whose faults name {@code design}. */
    public LiveBlockGuard(String design) {
        this.design = design;
    }

    /** Records a block the native allocator just returned. */
    public void added(long address, long size) {
        freed.remove(address);
        live.put(address, size);
        liveBytes.addAndGet(size);
        liveCount.incrementAndGet();
    }

    /**
     * Claims a live block for freeing: after this returns, no other thread can claim it.
     *
     * @return the size the block was allocated with
     * @throws InvalidFreeException if {@code address} is not the start of a live block; nothing changes
     */
    public long claim(String operation, long address) {
        Long size = live.remove(address);
        if (size == null) {
            throw refusal(operation, address);
        }
        liveBytes.addAndGet(-size);
        liveCount.decrementAndGet();
        freed.add(address);
        return size;
    }

    /** Undoes a {@link #claim} whose native call failed: the block is live again. */
    public void restore(long address, long size) {
        added(address, size);
    }

    /**
     * The size of a live block.
     *
     * @throws InvalidFreeException if {@code address} is not the start of a live block
     */
    public long sizeOf(String operation, long address) {
        Long size = live.get(address);
        if (size == null) {
            throw refusal(operation, address);
        }
        return size;
    }

    /** Removes and returns every live block, for close. */
    public Map<Long, Long> drain() {
        Map<Long, Long> all = new java.util.HashMap<>(live);
        live.clear();
        freed.clear();
        liveBytes.set(0);
        liveCount.set(0);
        return all;
    }

    /** The number of live blocks. */
    public long liveCount() {
        return liveCount.get();
    }

    /** The sum of the live blocks' requested sizes. */
    public long liveBytes() {
        return liveBytes.get();
    }

    private InvalidFreeException refusal(String operation, long address) {
        Map.Entry<Long, Long> below = live.lowerEntry(address);
        if (below != null && address - below.getKey() < below.getValue()) {
            return new InvalidFreeException(design, operation, InvalidFreeException.Reason.INTERIOR,
                    "address lies inside the live block at 0x" + Long.toHexString(below.getKey()) + " of "
                            + below.getValue() + " bytes");
        }
        if (freed.contains(address)) {
            return new InvalidFreeException(design, operation, InvalidFreeException.Reason.DOUBLE,
                    "the block at this address was already freed");
        }
        return new InvalidFreeException(design, operation, InvalidFreeException.Reason.UNKNOWN,
                "no live block starts at this address");
    }
}
