package io.vakit.spec.contract;

import io.vakit.spi.AllocatorProvider;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The provider classes that came from outside vakit: named on the command line ({@code -Dvakit.impl}, a jar path in
 * the main job). A Java implementation writes native memory through FFM, so it can crash the process as a C library
 * can: the contract of such a provider runs in a run worker ({@link io.vakit.spec.engine.StateMachine#runIsolated()}),
 * where a crash is a verdict. vakit's own designs run in the kit's process.
 */
public final class OutsideImplementations {
    private static final Set<Class<?>> MARKED = ConcurrentHashMap.newKeySet();

    private OutsideImplementations() {}

    /** Marks {@code providerClass} as an implementation from outside. */
    public static void mark(Class<?> providerClass) {
        MARKED.add(providerClass);
    }

    /** True when {@code provider}'s class was marked as from outside. */
    public static boolean contains(AllocatorProvider provider) {
        return MARKED.contains(provider.getClass());
    }
}
