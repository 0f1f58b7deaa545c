package io.vakit.bench;

import io.vakit.design.arenas.ArenasDefaultProvider;
import io.vakit.design.arenas.ArenasProvider;
import io.vakit.spi.Allocator;
import org.openjdk.jmh.annotations.Param;

/**
 * {@link AllocFreePairs} for seed 002's comparison, in one run: {@code arenas} and its baseline, the seed's default
 * allocator ({@code arenas-default}), at the seed's 4 KiB and 1 MiB and at each arena's range, against glibc.
 */
public class ArenasBenchmark extends AllocFreePairs {
    @Param({"arenas", "arenas-default"})
    String design;

    @Param({"256", "4096", "65536", "1048576", "16777216"})
    long size;

    @Override
    protected Allocator openDesign() {
        return design.equals("arenas") ? new ArenasProvider().open() : new ArenasDefaultProvider().open();
    }

    @Override
    protected long size() {
        return size;
    }
}
