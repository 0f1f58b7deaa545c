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

    /**
     * The guard's misuse rules, and M7: a C library has no close, so every call after close is refused by the
     * binding's own flag, and the library is never called.
     */
    @Override
    default java.util.Map<String, String> bindingRules() {
        java.util.Map<String, String> rules = new java.util.TreeMap<>(AllocatorProvider.super.bindingRules());
        rules.put("M7", "a C library has no close: the binding refuses every call after close with its own flag, and "
                + "the library is never called");
        rules.put("T2", "a C library has no close: the binding's close waits for the calls in flight, frees the blocks"
                + " still live, and refuses every later call");
        return rules;
    }
}
