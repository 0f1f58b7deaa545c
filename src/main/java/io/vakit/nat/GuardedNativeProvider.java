package io.vakit.nat;

import io.vakit.spi.AllocatorProvider;
import java.util.Optional;

/**
 * A provider of native code behind vakit's binding: each chain runs in a fresh worker process (a crash is a verdict,
 * a replay is exact), and the {@link LiveBlockGuard} and argument checks decide misuse in front of the library.
 */
interface GuardedNativeProvider extends AllocatorProvider {
    @Override
    default boolean isolated() {
        return true;
    }

    @Override
    default Optional<String> bindingDecides() {
        return Optional.of(NativeMalloc.GUARD);
    }
}
