package io.vakit.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spec.contract.ContractMachine;
import io.vakit.spec.contract.Rule;
import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Replay;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import org.junit.jupiter.api.Test;

/**
 * Through the native entry point: the kit rejects a broken C allocator with a short replayable chain, and passes a
 * correct one bound in seed 003's signature style (sized free and sized realloc).
 */
class BrokenNativeAllocatorsTest {
    @Test
    void aSeed003StyleLibraryIsBoundWithItsSizedSignatures() {
        io.vakit.kit.ContractReport report = io.vakit.kit.ContractReport.run(BrokenNativeLibrary.seed003Style(),
                Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
    }

    @Test
    void anOverlappingCAllocatorIsRejected() {
        ContractMachine machine = new ContractMachine(BrokenNativeLibrary.overlapping());
        Verdict v = Engine.check(machine, Settings.fromSystemProperties().withTries(200));
        System.out.println(v.describe());
        assertThat(v.passed()).isFalse();
        assertThat(v.failure().violation().rule()).isEqualTo(Rule.C2_NO_OVERLAP.label());
        assertThat(v.failure().chain()).hasSizeLessThanOrEqualTo(10);
        assertThat(Replay.run(machine, v.failure().replay()).violation().rule()).isEqualTo(Rule.C2_NO_OVERLAP.label());
    }
}
