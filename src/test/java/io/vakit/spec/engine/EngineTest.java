package io.vakit.spec.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine finds, shrinks and replays a planted bug, deterministically. */
class EngineTest {
    private final CounterMachine machine = new CounterMachine();

    @Test
    void findsShrinksAndReplaysThePlantedBug() {
        Verdict v = Engine.check(machine, new Settings(42, 50, 30));
        assertThat(v.passed()).isFalse();
        // The smallest chain: reach a value above 20 with the fewest, largest adds, then add 7.
        assertThat(v.failure().chain()).last().isEqualTo("add(7)");
        assertThat(v.failure().chain().size()).isLessThanOrEqualTo(5);
        assertThat(v.failure().violation().rule()).isEqualTo("sum");

        Run<long[], long[]> replayed = Replay.run(machine, v.failure().replay());
        assertThat(replayed.passed()).isFalse();
        assertThat(replayed.applied()).map(Object::toString).isEqualTo(v.failure().chain());
        assertThat(v.describe()).contains("replay: vakit1|counter|", "as a JUnit test", "-Dvakit.seed=42");
    }

    @Test
    void everyFailingRuleGetsItsOwnShrunkChain() {
        CounterMachine two = new CounterMachine(true, false);
        Verdict v = Engine.check(two, new Settings(42, 200, 30));
        assertThat(v.failures()).extracting(f -> f.violation().rule()).containsExactlyInAnyOrder("sum", "thirteen");
        for (Verdict.Failure f : v.failures()) {
            assertThat(Replay.run(two, f.replay()).violation().rule()).isEqualTo(f.violation().rule());
            assertThat(f.chain().size()).isLessThanOrEqualTo(5);
        }
        assertThat(v.failureOf("thirteen")).isNotNull();
        assertThat(v.describe()).contains("sum:", "thirteen:");
        assertThat(v.chainsRun()).isEqualTo(200);
    }

    @Test
    void theMutationRunsSettingsStopAtTheFirstFailureAndReportItUnshrunk() {
        CounterMachine two = new CounterMachine(true, false);
        Verdict shrunk = Engine.check(two, new Settings(42, 200, 30));
        System.setProperty("vakit.failFast", "true");
        System.setProperty("vakit.shrink", "0");
        try {
            Verdict v = Engine.check(two, new Settings(42, 200, 30));
            assertThat(v.passed()).isFalse();
            assertThat(v.failures()).as("no chain starts after the first failure").hasSize(1);
            assertThat(v.chainsRun()).isLessThan(shrunk.chainsRun());
            Verdict.Failure f = v.failure();
            assertThat(f.shrinkAttempts()).isZero();
            assertThat(f.chain()).as("the chain as it ran").hasSize(f.originalLength());
            assertThat(Replay.run(two, f.replay()).violation().rule()).isEqualTo(f.violation().rule());
        } finally {
            System.clearProperty("vakit.failFast");
            System.clearProperty("vakit.shrink");
        }
    }

    @Test
    void generatedChainsEndWithTheMachinesFinish() {
        Run<long[], long[]> run = Engine.generate(new CounterMachine(false, true), 3, 4);
        assertThat(run.applied()).hasSize(5);
        assertThat(run.applied().getLast().toString()).isEqualTo("add(1)");
    }

    @Test
    void coverageSumsCountersAndKeepsTheLargestOfMaxCounters() {
        Verdict v = Engine.check(machine, new Settings(1, 20, 2));
        assertThat(v.coverage()).containsEntry("adds", 20L);
        assertThat(v.coverage().get("max:value")).isBetween(2L, 18L);
    }

    @Test
    void theSeedIsFixedUnlessRandomIsAsked() {
        assertThat(Settings.seedOf("")).isEqualTo(Settings.DEFAULT_SEED);
        assertThat(Settings.seedOf(" 42 ")).isEqualTo(42);
        assertThat(Settings.seedOf("random")).isNotEqualTo(Settings.DEFAULT_SEED);
        assertThatThrownBy(() -> Settings.seedOf("soon")).hasMessageContaining("vakit.seed=soon");
    }

    @Test
    void sameSeedSameChain() {
        Run<long[], long[]> a = Engine.generate(machine, 7, 20);
        Run<long[], long[]> b = Engine.generate(machine, 7, 20);
        assertThat(a.applied()).map(Object::toString).isEqualTo(b.applied().stream().map(Object::toString).toList());
    }

    @Test
    void aPassingMachinePassesEveryTry() {
        Verdict v = Engine.check(machine, new Settings(1, 20, 2)); // two adds never pass 20
        assertThat(v.passed()).isTrue();
        assertThat(v.chainsRun()).isEqualTo(20);
        assertThat(v.actionsRun()).isEqualTo(40);
    }

    @Test
    void encodedFormRoundTrips() {
        Encoded e = Encoded.parse("alloc#12(24,-1,0)");
        assertThat(e.name()).isEqualTo("alloc");
        assertThat(e.label()).isEqualTo(12);
        assertThat(e.args()).containsExactly(24, -1, 0);
        assertThat(e.toString()).isEqualTo("alloc#12(24,-1,0)");
        assertThat(Encoded.parse("close()").label()).isEqualTo(-1);
        assertThatThrownBy(() -> Encoded.parse("12 bad")).hasMessageContaining("not an action");
    }

    @Test
    void malformedReplaysAreRefusedClearly() {
        assertThatThrownBy(() -> Replay.decode(machine, "v0|counter|add(1)")).hasMessageContaining("not a replay");
        assertThatThrownBy(() -> Replay.decode(machine, "vakit1|other|add(1)")).hasMessageContaining("'other'");
        assertThatThrownBy(() -> Replay.decode(machine, "vakit1|counter|sub(1)")).hasMessageContaining("sub(1)");
        assertThat(Replay.decode(machine, "vakit1|counter|add(1);add(2)")).hasSize(2);
    }

    @Test
    void shrinkingKeepsTheSameRule() {
        List<Action<long[], long[]>> chain = List.of(new CounterMachine.Add(9), new CounterMachine.Add(9),
                new CounterMachine.Add(9), new CounterMachine.Add(7), new CounterMachine.Add(1));
        Run<long[], long[]> failing = Run.of(machine, chain);
        assertThat(failing.passed()).isFalse();
        Shrinker.Result<long[], long[]> r = Shrinker.shrink(machine, failing);
        assertThat(r.run().applied()).map(Object::toString).containsExactly("add(7)", "add(7)", "add(7)", "add(7)");
    }
}
