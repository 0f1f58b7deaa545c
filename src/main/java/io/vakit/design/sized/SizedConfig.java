package io.vakit.design.sized;

import java.util.Arrays;

/**
 * The block size of each class: the seed's defaults (4 KiB for size 1, 128 KiB for size 2, 1 MiB from size 4 up),
 * and its {@code ALLOCn_MAX} / {@code ALLOCn_EXPECTED_SIZE} overrides, validated as its static assert does.
 */
public final class SizedConfig {
    private final long[] blockSizes = new long[SizedClasses.COUNT];

    private SizedConfig() {
        blockSizes[0] = 4096;
        blockSizes[1] = 128 * 1024;
        for (int c = 2; c < SizedClasses.COUNT; c++) {
            blockSizes[c] = 1 << 20;
        }
    }

    /** The seed's defaults. */
    public static SizedConfig defaults() {
        return new SizedConfig();
    }

    /**
     * The seed's override {@code #define ALLOCn_MAX max} with {@code #define ALLOCn_EXPECTED_SIZE expectedSize}.
     *
     * @throws IllegalArgumentException when size is 1 or not a class, the block is not a power of two, the block
     *     does not hold exactly {@code max} slots after its header, or the index width cannot count {@code max}
     */
    public SizedConfig override(int slot, long max, long expectedSize) {
        String op = "ALLOC" + slot + "_MAX=" + max + ", ALLOC" + slot + "_EXPECTED_SIZE=" + expectedSize;
        if (slot == 1) {
            throw new IllegalArgumentException(op + ": size 1 has a fixed 4 KiB page layout and cannot change");
        }
        if (slot < 1 || Integer.bitCount(slot) != 1 || slot > SizedClasses.MAX_CLASS) {
            throw new IllegalArgumentException(op + ": " + slot + " is not a class (a power of two up to 8192)");
        }
        if (expectedSize <= 0 || Long.bitCount(expectedSize) != 1 || expectedSize < 4096) {
            throw new IllegalArgumentException(op + ": the block size must be a power of two of at least a page, "
                    + "since blocks are found by masking the address");
        }
        SizedLayout layout = SizedLayout.of(slot, expectedSize);
        if (layout.capacity() != max) {
            throw new IllegalArgumentException(op + ": a block of " + expectedSize + " bytes holds "
                    + layout.capacity() + " slots after its " + layout.headerBytes() + "-byte header, not " + max);
        }
        if (max > SizedLayout.indexLimit(slot) || max < 1) {
            throw new IllegalArgumentException(op + ": " + max + " slots overflow the " + 8 * layout.indexBytes()
                    + "-bit slot index (at most " + SizedLayout.indexLimit(slot) + ")");
        }
        SizedConfig copy = new SizedConfig();
        System.arraycopy(blockSizes, 0, copy.blockSizes, 0, blockSizes.length);
        copy.blockSizes[Integer.numberOfTrailingZeros(slot)] = expectedSize;
        return copy;
    }

    /** The layout of class {@code c}. */
    public SizedLayout layout(int c) {
        return SizedLayout.of(1 << c, blockSizes[c]);
    }

    @Override
    public String toString() {
        return "SizedConfig" + Arrays.toString(blockSizes);
    }
}
