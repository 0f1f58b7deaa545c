package io.vakit.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Providers that exist only at run time, such as a native library named by a system property or found installed.
 * Registered for {@link ServiceLoader}; {@link #all()} joins them with the plain {@link AllocatorProvider}s.
 */
public interface ProviderSource {
    /** The providers this source offers now. */
    List<AllocatorProvider> providers();

    /**
     * The provider a self-describing name stands for ({@link AllocatorProvider#replayName()}), or empty when this
     * source does not understand the name.
     */
    default java.util.Optional<AllocatorProvider> resolve(String name) {
        return java.util.Optional.empty();
    }

    /**
     * The providers of this source that the user named (by a system property, such as {@code -Dvakit.native}), without
     * those it finds on its own (an installed library): what a run over "the named implementations" checks. Empty by
     * default.
     */
    default List<AllocatorProvider> named() {
        return List.of();
    }

    /** Every provider on the class path: the registered ones, then those of every source. */
    static List<AllocatorProvider> all() {
        List<AllocatorProvider> out = new ArrayList<>();
        ServiceLoader.load(AllocatorProvider.class).forEach(out::add);
        for (ProviderSource source : ServiceLoader.load(ProviderSource.class)) {
            out.addAll(source.providers());
        }
        return out;
    }
}
