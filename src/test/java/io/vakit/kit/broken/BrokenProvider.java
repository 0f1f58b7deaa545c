package io.vakit.kit.broken;

import io.vakit.nat.GlibcProvider;
import io.vakit.nat.NativeMalloc;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import java.util.function.Function;

/**
 * A deliberately broken allocator built on glibc: glibc's descriptor under the id {@code broken-<bug>}, and one
 * behaviour changed. Registered for ServiceLoader in the test tree only, so replay strings find them.
 */
abstract class BrokenProvider implements AllocatorProvider {
    private static final GlibcProvider GLIBC = new GlibcProvider();
    private final DesignDescriptor descriptor;
    private final Function<Allocator, Allocator> breaker;

    BrokenProvider(String bug, Function<Allocator, Allocator> breaker) {
        DesignDescriptor g = GLIBC.descriptor();
        this.descriptor = new DesignDescriptor("broken-" + bug, "glibc with a planted bug: " + bug, g.sizeClasses(),
                g.alignment(), g.maxAlignment(), g.maxBlockSize(), g.features());
        this.breaker = breaker;
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Allocator open() {
        return breaker.apply(new NativeMalloc(descriptor, GlibcProvider.binding()));
    }
}
