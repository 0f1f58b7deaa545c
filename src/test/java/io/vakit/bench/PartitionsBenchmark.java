package io.vakit.bench;

import io.vakit.design.partitions.PartitionsProvider;
import io.vakit.spi.Allocator;
import org.openjdk.jmh.annotations.Param;

/**
 * {@link AllocFreePairs} for the partitions design over its ranges: pool items (16 B, 256 B, 4 KiB, 32 KiB), a whole
 * part (256 KiB) and a whole arena (4 MiB), against glibc in one run; one thread, so every free is its owner's.
 */
public class PartitionsBenchmark extends AllocFreePairs {
    @Param({"16", "256", "4096", "32768", "262144", "4194304"})
    long size;

    @Override
    protected Allocator openDesign() {
        return new PartitionsProvider().open();
    }

    @Override
    protected long size() {
        return size;
    }
}
