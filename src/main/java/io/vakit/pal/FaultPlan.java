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
 * }</pre>
 */
public final class FaultPlan {
    private record Fault(long nth, int errno, boolean always) {}

    private final Map<Syscall, Fault> faults = new EnumMap<>(Syscall.class);
    private final Map<Syscall, AtomicLong> counts = new EnumMap<>(Syscall.class);

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

    /** Removes every planned fault; the call counts go on. */
    public synchronized FaultPlan clear() {
        faults.clear();
        return this;
    }

    /** How many calls of {@code call} this plan has seen. */
    public long calls(Syscall call) {
        return counts.get(call).get();
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
