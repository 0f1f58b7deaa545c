package io.vakit.spec.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.nat.BrokenNativeLibrary;
import io.vakit.nat.GlibcProvider;
import io.vakit.spec.contract.ContractMachine;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chains run at once ({@code vakit.parallel}), and the verdict is the same whatever the degree: the same chains, actions,
 * coverage and shrunk failures, because chain {@code i} aims with what chains up to {@code i - WINDOW} found and chains
 * are tallied in their order.
 */
class ParallelChainsTest {
    @Test
    void theVerdictIsTheSameWhateverTheDegree() {
        for (var provider : List.of(new GlibcProvider(), BrokenNativeLibrary.overlapping())) {
            ContractMachine machine = new ContractMachine(provider);
            Settings settings = Settings.fromSystemProperties().withTries(24);
            Verdict one = at(1, machine, settings);
            for (int degree : new int[] {2, 4}) {
                Verdict v = at(degree, machine, settings);
                assertThat(v.chainsRun()).isEqualTo(one.chainsRun());
                assertThat(v.actionsRun()).as("%s at %d", provider.id(), degree).isEqualTo(one.actionsRun());
                assertThat(v.coverage()).as("%s at %d", provider.id(), degree).isEqualTo(one.coverage());
                assertThat(v.failures().stream().map(Verdict.Failure::replay).toList())
                        .isEqualTo(one.failures().stream().map(Verdict.Failure::replay).toList());
            }
            assertThat(provider.id().equals("glibc") ? one.passed() : !one.passed()).isTrue();
        }
    }

    private static Verdict at(int degree, ContractMachine machine, Settings settings) {
        System.setProperty("vakit.parallel", Integer.toString(degree));
        try {
            assertThat(Engine.degree(machine)).isEqualTo(Math.min(degree, Engine.WINDOW));
            return Engine.check(machine, settings);
        } finally {
            System.clearProperty("vakit.parallel");
        }
    }
}
