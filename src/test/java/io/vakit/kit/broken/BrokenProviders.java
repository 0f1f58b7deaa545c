package io.vakit.kit.broken;

import io.vakit.spi.AllocatorProvider;

/** The deliberately broken providers, for tests outside this package. */
public final class BrokenProviders {
    private BrokenProviders() {}

    /** glibc that accepts a double free silently. */
    public static AllocatorProvider doubleFree() {
        return new SilentDoubleFreeAllocator.Provider();
    }
}
