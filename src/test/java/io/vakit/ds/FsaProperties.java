package io.vakit.ds;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import org.junit.jupiter.api.Test;

/** The FSA state machine: items, exhaustion, decommit of empty blocks, refused frees. */
class FsaProperties {
    @Test
    void agreesWithTheModel() {
        Verdict v = Engine.check(new FsaMachine(), Settings.fromSystemProperties());
        assertThat(v.passed()).as(v::describe).isTrue();
    }
}
