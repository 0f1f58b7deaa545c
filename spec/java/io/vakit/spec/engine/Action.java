package io.vakit.spec.engine;

import java.util.List;

/**
 * One step of a chain: runs against the system and the model together and checks they agree.
 * {@link #toString()} is its exact textual form, which {@link ActionType#parse} reads back.
 *
 * @param <S> the system under test
 * @param <M> the model
 */
public interface Action<S, M> {
    /** True when the action makes sense in the model's current state; otherwise the run skips it. */
    boolean applicable(M model);

    /** Runs the action against both and checks them. */
    void run(S system, M model) throws Violation;

    /** Simpler variants of this action (smaller sizes, plainer arguments), simplest first. */
    default List<Action<S, M>> simplifications() {
        return List.of();
    }
}
