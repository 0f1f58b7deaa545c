package io.vakit.design.groups;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.ContractReport;
import io.vakit.kit.RuleResult;
import io.vakit.spec.engine.Settings;
import org.junit.jupiter.api.Test;

/**
 * The contract, through the SPI only, with every feature groups declares and its layout law, on the seed's layout and a
 * small one. A black-box test: the mutation profile judges the kit's strength by it.
 */
class GroupsContractTest {

    @Test
    void seedLayoutPassesWithNoRuleSkippedButFamilies() {
        ContractReport report = ContractReport.run(new GroupsProvider(), Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        assertThat(report.rules()).filteredOn(r -> r.status() == RuleResult.Status.SKIPPED)
                .extracting(RuleResult::rule).containsExactly(io.vakit.spec.contract.Rule.C0_SURVIVES,
                        io.vakit.spec.contract.Rule.M8_WRONG_FAMILY); // C0 is checked only for natives, in workers
        assertThat(report.missing()).isEmpty();
    }

    @Test
    void smallLayoutPassesToo() {
        ContractReport report = ContractReport.run(new GroupsProvider(GroupsConfig.small(22, 64)),
                Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
    }
}
