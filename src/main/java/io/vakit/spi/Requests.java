package io.vakit.spi;

/**
 * The argument checks every implementation makes the same way, so that every design words its errors alike.
 */
public final class Requests {
    private Requests() {}

    /** {@code allocate(size=<size>, alignment=<alignment>)}, as faults name it. */
    public static String allocation(long size, long alignment) {
        return "allocate(size=" + size + ", alignment=" + alignment + ")";
    }

    /** {@code <name>(address=0x..., size=<size>)}, as faults name an operation on a block. */
    public static String onBlock(String name, long address, long size) {
        return name + "(address=" + AllocatorFault.hex(address) + ", size=" + size + ")";
    }

    /**
     * Checks a request against the design's limits.
     *
     * @throws InvalidSizeException if {@code size < 1} or {@code size > maxBlockSize}
     * @throws InvalidAlignmentException if {@code alignment} is not a power of two or above maxAlignment
     */
    public static void checkAllocation(DesignDescriptor design, String operation, long size, long alignment) {
        checkSize(design, operation, size);
        if (alignment <= 0 || Long.bitCount(alignment) != 1) {
            throw new InvalidAlignmentException(design.id(), operation,
                    "alignment " + alignment + " is not a power of two");
        }
        if (alignment > design.maxAlignment()) {
            throw new InvalidAlignmentException(design.id(), operation,
                    "alignment " + alignment + " is above the design's maximum " + design.maxAlignment());
        }
    }

    /** True when {@code count * elementSize} does not fit a non-negative long (both factors at least 1). */
    public static boolean productOverflows(long count, long elementSize) {
        return Math.multiplyHigh(count, elementSize) != 0 || count * elementSize < 0;
    }

    /**
     * Checks a size against the design's limits.
     *
     * @throws InvalidSizeException if {@code size < 1} or {@code size > maxBlockSize}
     */
    public static void checkSize(DesignDescriptor design, String operation, long size) {
        if (size < 1) {
            throw new InvalidSizeException(design.id(), operation, "size " + size + " is below 1");
        }
        if (size > design.maxBlockSize()) {
            throw new InvalidSizeException(design.id(), operation,
                    "size " + size + " is above the design's maximum " + design.maxBlockSize());
        }
    }
}
