package io.vakit.spec.contract;

import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.util.random.RandomGenerator;

/** How the contract machine picks sizes and alignments: mostly small, sometimes large, never above the max. */
final class Sizes {
    /** Above this, the contract does not generate requests (it keeps chains fast); misuse uses the real max. */
    static final long GENERATED_MAX = 1L << 20;

    private Sizes() {}

    static long size(RandomGenerator r, DesignDescriptor design) {
        int roll = r.nextInt(100);
        long upper = roll < 65 ? 256 : roll < 88 ? 8192 : roll < 97 ? 256 * 1024 : GENERATED_MAX;
        upper = Math.min(upper, Math.min(GENERATED_MAX, design.maxBlockSize()));
        return 1 + r.nextLong(upper);
    }

    static long alignment(RandomGenerator r, DesignDescriptor design, long size) {
        if (r.nextInt(100) < 70) {
            return 1;
        }
        long max = design.has(Feature.ALIGNED_ALLOCATION) ? Math.min(design.maxAlignment(), 1L << 16)
                : Math.min(design.maxAlignment(), design.alignment().alignmentFor(size));
        int bits = 63 - Long.numberOfLeadingZeros(max);
        return 1L << r.nextInt(bits + 1);
    }

    /** Strictly simpler sizes than {@code size}: 1, then half. */
    static long[] simpler(long size) {
        if (size <= 1) {
            return new long[0];
        }
        return size == 2 ? new long[] {1} : new long[] {1, size / 2};
    }
}
