package io.vakit.ds;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The index lists' state machine against a deque, at each link width, and the states a run must reach: the sentinel's
 * edges (node 0, the last nameable node, a full list of every nameable node, a refused node), each kind of removal,
 * and a list emptied.
 */
class IndexListProperties {
    @ParameterizedTest(name = "{0} links")
    @EnumSource(IndexList.Width.class)
    void agreesWithTheDequeModelAndReachesItsEdges(IndexList.Width width) {
        Settings s = Settings.fromSystemProperties();
        Verdict v = Engine.check(new IndexListMachine(width), s.withTries(Math.min(s.tries(), 40)));
        assertThat(v.passed()).as(v::describe).isTrue();
        for (String state : IndexListMachine.REQUIRED) {
            assertThat(v.coverage()).as("the run reached '" + state + "': " + v.coverage())
                    .containsKey("state:" + state);
        }
    }
}
