package io.vakit.pal;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fault-injection seam: makes the Nth call of a kind fail with a chosen errno instead of reaching the
 * kernel. Every other call goes to the real operating system. Thread-safe.
 *
 * <pre>{@code
 * FaultPlan plan = FaultPlan.none().failNth(Syscall.MMAP, 2, Errno.ENOMEM);
 * VirtualMemory vm = VirtualMemory.withFaults(plan);   // the 2nd mmap through vm fails with ENOMEM
 * plan.failAfter(FaultPoint.COMMIT, 1, Errno.ENOMEM);   // the commit after the next one fails
 * }</pre>
 *
 * <p>A planned {@linkplain #failNth system-call fault} counts every call of its kind; a planned
 * {@linkplain #failAfter fault point} counts only the calls that ask for memory ({@link FaultPoint}), and says how
 * many of its faults {@linkplain #fired fired}: the seam an allocator's {@code injectFault} is built on.
 */
public final class FaultPlan {
    private record Fault(long nth, int errno, boolean always) {}

    private final Map<Syscall, Fault> faults = new EnumMap<>(Syscall.class);
    private final Map<Syscall, AtomicLong> counts = new EnumMap<>(Syscall.class);
    /** Per point: the calls still to let through before the planned one fails (-1: none planned), its errno, fired. */
    private final long[] skips = {-1, -1};
    private final int[] pointErrno = new int[2];
    private final long[] fired = new long[2];

    private FaultPlan() {
        for (Syscall call : Syscall.values()) {
            counts.put(call, new AtomicLong());
        }
    }

    /** A plan that injects nothing (until told to). */
    public static FaultPlan none() {
        return new FaultPlan();
    }

    /** Makes the {@code nth} (1-based, counted from now) call of {@code call} fail with {@code errno}. */
    public synchronized FaultPlan failNth(Syscall call, long nth, int errno) {
        if (nth < 1) {
            throw new IllegalArgumentException("failNth(" + call + ", " + nth + "): nth must be >= 1");
        }
        faults.put(call, new Fault(counts.get(call).get() + nth, errno, false));
        return this;
    }

    /** Makes every call of {@code call} from now on fail with {@code errno}. */
    public synchronized FaultPlan failAlways(Syscall call, int errno) {
        faults.put(call, new Fault(0, errno, true));
        return this;
    }

    /** Removes every planned fault, at the system calls and at the points; the counts go on. */
    public synchronized FaultPlan clear() {
        faults.clear();
        skips[0] = -1;
        skips[1] = -1;
        return this;
    }

    /**
     * Makes the call at {@code point} after the next {@code skip} ones fail with {@code errno}, once; a fault planned
     * there before and not fired yet is replaced.
     *
     * @throws IllegalArgumentException for a negative {@code skip}
     */
    public synchronized FaultPlan failAfter(FaultPoint point, long skip, int errno) {
        if (skip < 0) {
            throw new IllegalArgumentException("failAfter(" + point + ", " + skip + "): skip must be >= 0");
        }
        skips[point.ordinal()] = skip;
        pointErrno[point.ordinal()] = errno;
        return this;
    }

    /** Removes the fault planned at {@code point}, if it has not fired. */
    public synchronized FaultPlan cancel(FaultPoint point) {
        skips[point.ordinal()] = -1;
        return this;
    }

    /** How many faults planned at {@code point} have fired. */
    public synchronized long fired(FaultPoint point) {
        return fired[point.ordinal()];
    }

    /** Whether a fault planned at {@code point} is still to fire. */
    public synchronized boolean pending(FaultPoint point) {
        return skips[point.ordinal()] >= 0;
    }

    /** How many calls of {@code call} this plan has seen. */
    public long calls(Syscall call) {
        return counts.get(call).get();
    }

    /**
     * Counts one call made at {@code point} (null: at none); returns the errno to inject, or 0 to let it through. A
     * fault planned at the point comes first.
     */
    synchronized int onCall(Syscall call, FaultPoint point) {
        if (point != null && skips[point.ordinal()] >= 0) {
            int p = point.ordinal();
            if (skips[p] == 0) {
                skips[p] = -1;
                fired[p]++;
                counts.get(call).incrementAndGet();
                return pointErrno[p];
            }
            skips[p]--;
        }
        return onCall(call);
    }

    /** Counts one call; returns the errno to inject, or 0 to let the call through. */
    synchronized int onCall(Syscall call) {
        long n = counts.get(call).incrementAndGet();
        Fault fault = faults.get(call);
        if (fault == null) {
            return 0;
        }
        if (fault.always()) {
            return fault.errno();
        }
        if (fault.nth() == n) {
            faults.remove(call);
            return fault.errno();
        }
        return 0;
    }
}
