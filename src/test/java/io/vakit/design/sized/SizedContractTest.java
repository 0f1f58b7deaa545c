package io.vakit.design.sized;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.ContractReport;
import io.vakit.kit.RuleResult;
import io.vakit.spec.engine.Settings;
import org.junit.jupiter.api.Test;

/**
 * The contract, through the SPI only, with every feature sized declares and its layout law (and, through the
 * provider's small configuration, exhaustion and recovery). A black-box test: the mutation profile judges the kit's
 * strength by it.
 */
class SizedContractTest {
    @Test
    void passesTheContractWithNoRuleSkipped() {
        ContractReport report = ContractReport.run(new SizedProvider(), Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        assertThat(report.rules()).filteredOn(r -> r.status() == RuleResult.Status.SKIPPED) // C0: only for workers
                .extracting(RuleResult::rule).containsExactly(io.vakit.spec.contract.Rule.C0_SURVIVES);
        assertThat(report.missing()).isEmpty();
    }
}
