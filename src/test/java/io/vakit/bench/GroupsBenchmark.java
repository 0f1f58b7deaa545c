package io.vakit.bench;

import io.vakit.design.groups.GroupsProvider;
import io.vakit.spi.Allocator;
import org.openjdk.jmh.annotations.Param;

/** {@link AllocFreePairs} for the groups design over Group A (16 B..32 KiB) and Group B (from 64 KiB). */
public class GroupsBenchmark extends AllocFreePairs {
    @Param({"16", "256", "4096", "32768", "262144", "4194304"})
    long size;

    @Override
    protected Allocator openDesign() {
        return new GroupsProvider().open();
    }

    @Override
    protected long size() {
        return size;
    }
}
