package io.vakit.kit.broken;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.kit.lincheck.AllocatorLincheck;
import io.vakit.spec.contract.ContractMachine;
import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.junit.jupiter.api.Test;

/**
 * The unsynchronised free list passes the sequential contract (so the kit does not reject it for a wrong reason)
 * and is rejected by Lincheck in stress mode, with real threads.
 */
public class RacyFreeListLincheckTest extends AllocatorLincheck {
    /** Lincheck's constructor. */
    public RacyFreeListLincheckTest() {
        super(new RacyFreeListAllocator.Provider());
    }

    @Test
    void passesTheSequentialContract() {
        Verdict v = Engine.check(new ContractMachine(new RacyFreeListAllocator.Provider()),
                Settings.fromSystemProperties());
        org.assertj.core.api.Assertions.assertThat(v.passed()).as(v::describe).isTrue();
    }

    @Test
    void stressModeCatchesTheRace() {
        assertThatThrownBy(() -> stressOptions().check(getClass())).isInstanceOf(LincheckAssertionError.class)
                .satisfies(e -> System.out.println("Lincheck rejected broken-racy:\n" + e.getMessage()))
                .hasMessageFindingMatch("Invalid execution results|Validation function liveCountAgrees has failed"); // corrupt blocks, or a wrecked free list
    }
}
