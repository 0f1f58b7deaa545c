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

    /** The library's file, or null for the process's own malloc (glibc's). */
    java.nio.file.Path libraryFile();

    /** The library's bound functions. */
    NativeMalloc.Binding nativeBinding();

    /** Fork-served unless the fork server cannot be built or started here ({@link #isolation()} then says why). */
    @Override
    default boolean forkServed() {
        return ForkServer.whyNot(id(), libraryFile(), nativeBinding()) == null;
    }

    @Override
    default String isolation() {
        String why = ForkServer.whyNot(id(), libraryFile(), nativeBinding());
        return why == null ? "fork server" : "worker JVMs, no fork server: " + why;
    }

    /** The guarded binding over a fresh child of the library's fork server. */
    @Override
    default io.vakit.spi.Allocator openForked() {
        NativeMalloc.Binding b = nativeBinding();
        return new NativeMalloc(descriptor(), ForkServer.of(id(), libraryFile(), b).fork(new Downcalls(b)));
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
