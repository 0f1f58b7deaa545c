package io.vakit.spec.engine;

import java.util.Optional;

/**
 * Finds a state machine by the name a replay string carries. Registered for {@link java.util.ServiceLoader} in
 * {@code META-INF/services/io.vakit.spec.engine.MachineFactory}.
 */
public interface MachineFactory {
    /** The machine called {@code name}, or empty when this factory does not make it. */
    Optional<StateMachine<?, ?>> create(String name);
}
