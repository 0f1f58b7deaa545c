package io.vakit.spec.contract;

import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.Encoded;
import io.vakit.spec.engine.SimpleType;
import io.vakit.spi.Allocator;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/** An action of the contract machine. */
interface Step extends Action<Allocator, AllocatorModel> {

    /** The shorthand for one action type of the contract machine. */
    static ActionType<Allocator, AllocatorModel> type(String name, ToIntFunction<AllocatorModel> weight,
            SimpleType.Generator<Allocator, AllocatorModel> generator, Function<Encoded, Step> parser) {
        return new SimpleType<>(name, weight, generator, parser::apply);
    }

    /** A random element of {@code labels}. */
    static int pick(java.util.random.RandomGenerator random, int[] labels) {
        return labels[random.nextInt(labels.length)];
    }
}
