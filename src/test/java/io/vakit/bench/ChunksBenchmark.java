package io.vakit.bench;

import io.vakit.design.chunks.ChunksProvider;
import io.vakit.spi.Allocator;
import org.openjdk.jmh.annotations.Param;

/**
 * {@link AllocFreePairs} for the chunks design over its ranges: items (16 B, 256 B, 4 KiB), a run of chunks (64 KiB),
 * a run of blocks (4 MiB), against glibc in one run.
 */
public class ChunksBenchmark extends AllocFreePairs {
    @Param({"16", "256", "4096", "65536", "4194304"})
    long size;

    @Override
    protected Allocator openDesign() {
        return new ChunksProvider().open();
    }

    @Override
    protected long size() {
        return size;
    }
}
