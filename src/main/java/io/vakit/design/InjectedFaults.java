package io.vakit.design;

import io.vakit.pal.Errno;
import io.vakit.pal.FaultPoint;
import io.vakit.pal.VirtualMemory;
import io.vakit.spi.InjectedFault;

/**
 * The fault seam every design offers ({@link io.vakit.spi.Feature#FAULT_INJECTION}): the SPI's injected faults
 * planned on the fault plan of the allocator's own virtual memory ({@link VirtualMemory#ownFaults}), at the points
 * where it asks the kernel for memory. The design's code meets them as it meets the kernel's ENOMEM.
 */
public final class InjectedFaults {
    private InjectedFaults() {}

    /** Makes {@code vm}'s call of {@code kind} after the next {@code skip} fail with ENOMEM, once. */
    public static void inject(VirtualMemory vm, InjectedFault kind, int skip) {
        vm.faults().failAfter(point(kind), skip, Errno.ENOMEM);
    }

    /** Removes the injected faults of {@code vm} that have not fired. */
    public static void clear(VirtualMemory vm) {
        vm.faults().cancel(FaultPoint.MAP).cancel(FaultPoint.COMMIT);
    }

    /** How many injected faults of {@code kind} fired in {@code vm}. */
    public static long fired(VirtualMemory vm, InjectedFault kind) {
        return vm.faults().fired(point(kind));
    }

    private static FaultPoint point(InjectedFault kind) {
        return kind == InjectedFault.COMMIT ? FaultPoint.COMMIT : FaultPoint.MAP;
    }
}
