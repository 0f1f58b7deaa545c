package io.vakit.ds;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ordered index's state machine against a TreeMap, with a pool that fills (so its refusal is reached) and one that does not. */
class OrderedIndexProperties {

    @ParameterizedTest(name = "pool of {0} nodes")
    @ValueSource(longs = {1, 2, 7, 64, 1 << 20})
    void agreesWithTheTreeMapModel(long maxNodes) {
        Verdict v = Engine.check(new OrderedIndexMachine(maxNodes), Settings.fromSystemProperties());
        assertThat(v.passed()).as(v::describe).isTrue();
    }
}
