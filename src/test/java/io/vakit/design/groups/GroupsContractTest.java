package io.vakit.design.groups;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.ContractReport;
import io.vakit.kit.RuleResult;
import io.vakit.spec.engine.Settings;
import org.junit.jupiter.api.Test;

/** The contract, with every feature groups declares and its layout law, on the seed's layout and a small one. */
class GroupsContractTest {

    @Test
    void seedLayoutPassesWithNoRuleSkipped() {
        ContractReport report = ContractReport.run(new GroupsProvider(), Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        assertThat(report.rules()).noneMatch(r -> r.status() == RuleResult.Status.SKIPPED);
    }

    @Test
    void smallLayoutPassesToo() {
        ContractReport report = ContractReport.run(new GroupsProvider(GroupsConfig.small(22, 64)),
                Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
    }
}
