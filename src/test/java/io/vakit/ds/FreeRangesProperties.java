package io.vakit.ds;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import org.junit.jupiter.api.Test;

/** The best-fit index and the address-ordered range map against their models ({@link FreeRangesMachine}). */
class FreeRangesProperties {
    @Test
    void bestFitAndRangeMapAgreeWithTheirModels() {
        Verdict v = Engine.check(new FreeRangesMachine(1024), Settings.fromSystemProperties());
        assertThat(v.passed()).as(v::describe).isTrue();
    }
}
