package io.vakit.design.partitionsfast;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.ContractReport;
import io.vakit.kit.RuleResult;
import io.vakit.spec.contract.Rule;
import io.vakit.spec.engine.Settings;
import org.junit.jupiter.api.Test;

/**
 * The contract, through the SPI only, with every feature {@code partitions-fast} declares and the plain design's layout
 * law, which it follows: the same test as the plain design's, which an optimized variant must pass unchanged. A
 * black-box test.
 */
class PartitionsFastContractTest {
    @Test
    void passesTheContractWithFreesFromAnotherThread() {
        PartitionsFastProvider design = new PartitionsFastProvider();
        ContractReport report = ContractReport.run(design, Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        assertThat(report.rules()).filteredOn(r -> r.status() == RuleResult.Status.SKIPPED)
                .extracting(RuleResult::rule).containsExactlyInAnyOrder(Rule.C0_SURVIVES, Rule.M4_WRONG_SIZE,
                        Rule.M8_WRONG_FAMILY);
        assertThat(report.missing()).isEmpty();
        assertThat(report.states()).containsKeys("freed from another thread", ContractReport.SMALL + "exhausted",
                ContractReport.SMALL + "recovered after exhaustion");
        for (String unit : java.util.List.of("part", "arena", "slice")) {
            assertThat(report.states()).as("%s containers were filled, freed from full, emptied and reused", unit)
                    .containsKeys("full " + unit, "free from a full " + unit, "emptied and reused " + unit);
        }
    }
}
