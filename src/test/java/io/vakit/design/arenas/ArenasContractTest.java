package io.vakit.design.arenas;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.ContractReport;
import io.vakit.kit.RuleResult;
import io.vakit.spec.contract.Rule;
import io.vakit.spec.engine.Settings;
import io.vakit.spi.AllocatorProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract, through the SPI only, with every feature each design declares and its layout law (and, through the
 * provider's small configuration, exhaustion and recovery): {@code arenas} and the seed's default allocator,
 * {@code arenas-default}. A black-box test: the mutation profile judges the kit's strength by it.
 */
class ArenasContractTest {
    static java.util.stream.Stream<AllocatorProvider> designs() {
        return java.util.stream.Stream.of(new ArenasProvider(), new ArenasDefaultProvider());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("designs")
    void passesTheContractWithNoRuleSkippedButFamilies(AllocatorProvider design) {
        ContractReport report = ContractReport.run(design, Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        assertThat(report.rules()).filteredOn(r -> r.status() == RuleResult.Status.SKIPPED)
                .extracting(RuleResult::rule).containsExactlyInAnyOrderElementsOf(design.descriptor()
                        .table().isPresent() ? java.util.List.of(Rule.C0_SURVIVES, Rule.M8_WRONG_FAMILY)
                        : java.util.List.of(Rule.C0_SURVIVES, Rule.C4_SIZE_CLASS, Rule.M8_WRONG_FAMILY));
        assertThat(report.missing()).isEmpty();
    }
}
