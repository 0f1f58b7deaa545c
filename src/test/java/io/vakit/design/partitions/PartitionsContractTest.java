package io.vakit.design.partitions;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.ContractReport;
import io.vakit.kit.RuleResult;
import io.vakit.spec.contract.Rule;
import io.vakit.spec.engine.Settings;
import org.junit.jupiter.api.Test;

/**
 * The contract, through the SPI only, with every feature {@code partitions} declares and its layout law: frees from
 * the contract's other thread take the deferred path, and the small configuration is driven to exhaustion. A
 * black-box test.
 */
class PartitionsContractTest {
    @Test
    void passesTheContractWithFreesFromAnotherThread() {
        PartitionsProvider design = new PartitionsProvider();
        ContractReport report = ContractReport.run(design, Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        assertThat(report.rules()).filteredOn(r -> r.status() == RuleResult.Status.SKIPPED)
                .extracting(RuleResult::rule).containsExactlyInAnyOrder(Rule.C0_SURVIVES, Rule.M4_WRONG_SIZE,
                        Rule.M8_WRONG_FAMILY);
        assertThat(report.missing()).isEmpty();
        assertThat(report.states()).containsKeys("freed from another thread", ContractReport.SMALL + "exhausted",
                ContractReport.SMALL + "recovered after exhaustion");
        for (String unit : java.util.List.of("part", "arena", "slice")) { // of items, of whole parts, of whole arenas
            assertThat(report.states()).as("%s containers were filled, freed from full, emptied and reused", unit)
                    .containsKeys("full " + unit, "free from a full " + unit, "emptied and reused " + unit);
        }
    }
}
