package io.vakit.kit.broken;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.kit.lincheck.AllocatorLincheck;
import io.vakit.spec.contract.ContractMachine;
import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import io.vakit.kit.lincheck.LincheckVerdict;
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
        assertThatThrownBy(() -> check(stressOptions(), getClass())).isInstanceOf(LincheckFailed.class)
                .satisfies(e -> System.out.println("Lincheck rejected broken-racy:\n" + e.getMessage()))
                .satisfies(e -> {
                    LincheckVerdict v = ((LincheckFailed) e).verdict();
                    org.assertj.core.api.Assertions.assertThat(v.whose()).isEqualTo(LincheckVerdict.Whose.IMPLEMENTATION);
                    // corrupt blocks (results no sequential order gives), or a wrecked free list (the validation)
                    org.assertj.core.api.Assertions.assertThat(v.kind()).isIn("invalid execution results",
                            "validation failure");
                });
    }
}
