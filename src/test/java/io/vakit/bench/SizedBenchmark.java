package io.vakit.bench;

import io.vakit.design.sized.SizedProvider;
import io.vakit.spi.Allocator;
import org.openjdk.jmh.annotations.Param;

/** {@link AllocFreePairs} for the sized design over its size range (65536: its own mapping). */
public class SizedBenchmark extends AllocFreePairs {
    @Param({"8", "64", "512", "4096", "65536"})
    long size;

    @Override
    protected Allocator openDesign() {
        return new SizedProvider().open();
    }

    @Override
    protected long size() {
        return size;
    }
}
