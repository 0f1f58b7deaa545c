package io.vakit.spec.engine;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import java.util.random.RandomGenerator;

/**
 * An {@link ActionType} made of three functions, for machines whose actions are records.
 *
 * @param name the action name it parses
 * @param weight the weight in a model state
 * @param generator makes an action
 * @param parser reads an action from its encoded form (name already matched)
 * @param <S> the system under test
 * @param <M> the model
 */
public record SimpleType<S, M>(String name, ToIntFunction<M> weight, Generator<S, M> generator,
        Function<Encoded, Action<S, M>> parser) implements ActionType<S, M> {

    /** Makes an action from the random source, the model and a label. */
    @FunctionalInterface
    public interface Generator<S, M> {
        /** Generates one action. */
        Action<S, M> generate(RandomGenerator random, M model, int label);
    }

    @Override
    public int weight(M model) {
        return weight.applyAsInt(model);
    }

    @Override
    public Action<S, M> generate(RandomGenerator random, M model, int label) {
        return generator.generate(random, model, label);
    }

    @Override
    public Optional<Action<S, M>> parse(Encoded encoded) {
        return encoded.name().equals(name) ? Optional.of(parser.apply(encoded)) : Optional.empty();
    }
}
