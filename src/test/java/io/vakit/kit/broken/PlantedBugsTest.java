package io.vakit.kit.broken;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.ContractReport;
import io.vakit.spec.contract.Rule;
import io.vakit.spec.engine.Machines;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import io.vakit.spi.AllocatorProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kit's power, proven: with its DEFAULT settings (the fixed seed, {@code vakit.tries} and {@code vakit.length} of
 * {@code mvn verify}), it rejects each planted bug of the kinds allocator authors make, for the rule that bug breaks,
 * with a chain shrunk to at most 10 actions (a burst is one) that replays to the same failure; and it passes the
 * same allocator without the bug, every required state reached.
 */
class PlantedBugsTest {

    static Stream<Arguments> planted() {
        return Stream.of(
                Arguments.of(new PlantedBugs.LosesSlotWhenFull(), Rule.C2_NO_OVERLAP),
                Arguments.of(new PlantedBugs.LastEdgeOffByOne(), Rule.C9_USABLE_SIZE),
                Arguments.of(new MisalignsOnePairAllocator.Provider(), Rule.C3_ALIGNMENT),
                Arguments.of(new PlantedBugs.CountsBeforeExhaustion(), Rule.C12_EXHAUSTION),
                Arguments.of(new PlantedBugs.RefillsTwoPages(), Rule.C12_EXHAUSTION),
                Arguments.of(new PlantedBugs.DriftsWhenPageEmpties(), Rule.C8_STATS),
                Arguments.of(new PlantedBugs.UsableOverstated(), Rule.C2_NO_OVERLAP),
                Arguments.of(new PlantedBugs.ReleasesOnPaper(), Rule.C11_FOOTPRINT),
                Arguments.of(new PlantedBugs.KeepsEmptyPages(), Rule.C11_FOOTPRINT),
                Arguments.of(new PlantedBugs.LeaksMappingsAtClose(), Rule.C11_FOOTPRINT),
                Arguments.of(new PlantedBugs.DefersWithoutMarking(), Rule.M2_DOUBLE_FREE));
    }

    @ParameterizedTest(name = "{0} breaks {1}")
    @MethodSource("planted")
    void rejectedByTheDefaultSettings(AllocatorProvider provider, Rule rule) {
        ContractReport report = ContractReport.run(provider, Settings.fromSystemProperties());
        System.out.print(report.table());
        System.out.println(report.verdict().describe());

        assertThat(report.passed()).as("the kit must reject %s", provider.id()).isFalse();
        Verdict.Failure failure = report.verdict().failureOf(rule.label());
        assertThat(failure).as("a failure of %s among %s", rule.label(), report.verdict().failures()).isNotNull();
        assertThat(failure.chain()).hasSizeLessThanOrEqualTo(10);
        assertThat(Machines.assertFails(failure.replay()).rule()).isEqualTo(rule.label());
    }

    @Test
    void theToyWithoutABugPasses() {
        ContractReport report = ContractReport.run(new PlantedBugs.Correct(), Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        assertThat(report.missing()).isEmpty();
    }
}
