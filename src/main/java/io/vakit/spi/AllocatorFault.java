package io.vakit.spi;

/**
 * A typed allocator error. Each kind extends the JDK exception a {@link java.lang.foreign.SegmentAllocator}
 * caller already handles, and its message names the operation with its address or size, and the design:
 * {@code free(address=0x7f3a00010040, size=24) in design 'groups': double free: ...}.
 *
 * <p>Raising one leaves the allocator exactly as it was before the call.
 */
public sealed interface AllocatorFault permits InvalidFreeException, InvalidSizeException,
        InvalidAlignmentException, AddressSpaceExhaustedException, AllocatorClosedException,
        FeatureNotOfferedException, InvalidFamilyException {

    /** The id of the design that raised it. */
    String design();

    /** The operation with its arguments, as in the message: {@code free(address=0x..., size=24)}. */
    String operation();

    /** Formats the message every fault carries. */
    static String message(String design, String operation, String detail) {
        return operation + " in design '" + design + "': " + detail;
    }

    /** Formats an address the way every message does. */
    static String hex(long address) {
        return "0x" + Long.toHexString(address);
    }
}
