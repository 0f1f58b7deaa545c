package io.vakit.design.chunks;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.ContractReport;
import io.vakit.kit.RuleResult;
import io.vakit.spec.contract.Rule;
import io.vakit.spec.contract.States;
import io.vakit.spec.engine.Settings;
import org.junit.jupiter.api.Test;

/**
 * The contract, through the SPI only, with every feature {@code chunks} declares and its layout law (and, through
 * the small configuration, exhaustion and recovery). A black-box test: the mutation profile judges the kit by it.
 */
class ChunksContractTest {
    @Test
    void passesTheContractWithNoRuleSkippedButFamilies() {
        ChunksProvider design = new ChunksProvider();
        ContractReport report = ContractReport.run(design, Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        assertThat(report.rules()).filteredOn(r -> r.status() == RuleResult.Status.SKIPPED)
                .extracting(RuleResult::rule).containsExactlyInAnyOrder(Rule.C0_SURVIVES, Rule.M8_WRONG_FAMILY);
        assertThat(report.missing()).isEmpty();
        // a chunk of items states its capacity; blocks and regions hold runs of many lengths, and state none
        assertThat(report.states()).as("chunks were filled, freed from full, emptied and reused")
                .containsKeys("full chunk", "free from a full chunk", "emptied and reused chunk")
                .doesNotContainKeys("full block", "full region");
        // a block given back serves another class: a stale item address falls inside an item of another size
        assertThat(report.states()).as("a double free where another class took the block was asked")
                .containsKeys(States.DOUBLE_RESLOTTED);
        assertThat(report.states()).containsKeys(ContractReport.SMALL + "exhausted",
                ContractReport.SMALL + "recovered after exhaustion");
    }
}
