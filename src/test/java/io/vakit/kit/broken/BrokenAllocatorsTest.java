package io.vakit.kit.broken;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spec.contract.ContractMachine;
import io.vakit.spec.contract.Rule;
import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Machines;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import io.vakit.spec.engine.Violation;
import io.vakit.spi.AllocatorProvider;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract state machine, with its default settings, rejects every sequentially broken allocator, for the right
 * rule, with a chain shrunk to at most 10 actions that replays to the same failure.
 */
class BrokenAllocatorsTest {

    static Stream<Arguments> broken() {
        return Stream.of(
                Arguments.of(new OverlappingAllocator.Provider(), Rule.C2_NO_OVERLAP),
                Arguments.of(new MisaligningAllocator.Provider(), Rule.C3_ALIGNMENT),
                Arguments.of(new UnzeroedCallocAllocator.Provider(), Rule.C6_CALLOC_ZERO),
                Arguments.of(new SilentDoubleFreeAllocator.Provider(), Rule.M2_DOUBLE_FREE),
                Arguments.of(new MisplacingAllocator.Provider(), Rule.L2_DESIGN_LAYOUT),
                Arguments.of(new MiscountsGranulesAllocator.Provider(), Rule.L2_DESIGN_LAYOUT),
                Arguments.of(new MiscountsRunsAllocator.Provider(), Rule.L2_DESIGN_LAYOUT),
                Arguments.of(new StatedAlignmentBugs.FootprintAsAlignment(), Rule.C3_ALIGNMENT),
                Arguments.of(new StatedAlignmentBugs.PageAlignedParts(), Rule.L2_DESIGN_LAYOUT),
                Arguments.of(new OverAlignedUnitsAllocator.Provider(), Rule.L2_DESIGN_LAYOUT));
    }

    @ParameterizedTest(name = "{0} breaks {1}")
    @MethodSource("broken")
    void rejectedWithAShortReplayableCounterexample(AllocatorProvider provider, Rule rule) {
        Settings settings = Settings.fromSystemProperties(); // the defaults: what a user runs
        Verdict verdict = Engine.check(new ContractMachine(provider), settings);

        assertThat(verdict.passed()).as("the kit must reject %s", provider.id()).isFalse();
        System.out.println(verdict.describe());
        Verdict.Failure failure = verdict.failureOf(rule.label());
        assertThat(failure).as("a failure of %s among %s", rule.label(), verdict.failures()).isNotNull();
        assertThat(failure.chain()).hasSizeLessThanOrEqualTo(10);
        assertThat(verdict.describe()).contains(failure.replay(), "@org.junit.jupiter.api.Test");

        Violation replayed = Machines.assertFails(failure.replay());
        assertThat(replayed.rule()).isEqualTo(rule.label());
    }
}
