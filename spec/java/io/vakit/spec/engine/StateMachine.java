package io.vakit.spec.engine;

import java.util.List;

/**
 * A system under test, its model, and the actions that drive both.
 *
 * @param <S> the system under test
 * @param <M> the model
 */
public interface StateMachine<S, M> {
    /** The name replay strings use to find this machine again, such as {@code contract:glibc}. */
    String name();

    /** A fresh system. */
    S newSystem();

    /** A fresh model, in the state a fresh system starts in. */
    M newModel();

    /** The kinds of action. */
    List<ActionType<S, M>> actionTypes();

    /** Checks everything that must hold between any two actions. */
    void checkInvariants(S system, M model) throws Violation;

    /** How often each rule was checked in the run that left {@code model}, by rule id. */
    default java.util.Map<String, Long> coverage(M model) {
        return java.util.Map.of();
    }

    /** Releases a system after a run, whatever happened. */
    void dispose(S system);
}
