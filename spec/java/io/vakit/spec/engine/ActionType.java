package io.vakit.spec.engine;

import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A kind of action: how often it is generated in a given state, how to generate one, and how to read one back.
 *
 * @param <S> the system under test
 * @param <M> the model
 */
public interface ActionType<S, M> {
    /** The relative weight of this kind in the model's state; 0 means "not now". */
    int weight(M model);

    /** Generates an action; {@code label} is a chain-unique number it may use to name what it creates. */
    Action<S, M> generate(RandomGenerator random, M model, int label);

    /** Reads an action back from its {@link Action#toString()} form, or empty when it is not of this kind. */
    Optional<Action<S, M>> parse(Encoded encoded);
}
