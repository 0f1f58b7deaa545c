package io.vakit.kit.broken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.kit.lincheck.AllocatorLincheck;
import io.vakit.kit.lincheck.CloseRaceLincheck;
import io.vakit.kit.lincheck.FreeRaceLincheck;
import io.vakit.kit.lincheck.RaceChecks;
import io.vakit.spec.contract.Rule;
import io.vakit.kit.lincheck.AllocatorLincheck.Edges;
import io.vakit.spec.contract.ContractMachine;
import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import io.vakit.spi.AllocatorProvider;
import java.util.stream.Stream;
import io.vakit.kit.lincheck.LincheckVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The concurrency checks, proven on the thread-safe toy slab allocator: as written it passes model checking with the
 * options that reject the races; each planted race ({@link PlantedRaces}) passes the whole sequential contract (one thread never meets it), and is
 * rejected by the check this test names, with the default options of {@code mvn verify}. Lincheck's model checking
 * explores the interleavings of its scenarios from a fixed seed, so these verdicts are deterministic; the refill
 * outside the lock hides its page from model checking (the page reaches the other thread through JDK collections,
 * whose writes Lincheck does not follow) and is caught by JCStress ({@code StressMainTest}).
 */
class PlantedRacesTest {
    /** Lincheck's instance of the correct toy at the refill edges. */
    public static class Toy extends AllocatorLincheck {
        /** Lincheck's constructor. */
        public Toy() {
            super(new PlantedBugs.Correct());
        }
    }

    /** Two frees into one full page race on its free list. */
    public static class LostFree extends AllocatorLincheck {
        /** Lincheck's constructor. */
        public LostFree() {
            super(new PlantedRaces.LosesAFreeIntoAFullPage());
        }
    }

    /** The same, from exhaustion: the lost slot is an allocation refused that the frees made room for. */
    public static class LostFreeAtExhaustion extends AllocatorLincheck {
        /** Lincheck's constructor. */
        public LostFreeAtExhaustion() {
            super(new PlantedRaces.LosesAFreeIntoAFullPage(), Edges.EXHAUSTION);
        }
    }

    /** A double free checked before the lock. */
    public static class DoubleFree extends AllocatorLincheck {
        /** Lincheck's constructor. */
        public DoubleFree() {
            super(new PlantedRaces.ChecksDoubleFreeOutsideTheLock());
        }
    }

    /** A junk fill after the lock. */
    public static class Junk extends AllocatorLincheck {
        /** Lincheck's constructor. */
        public Junk() {
            super(new PlantedRaces.JunkFillsAfterTheLock());
        }
    }

    /** A close with a flag: rule T2's check. */
    public static class CloseFlag extends CloseRaceLincheck {
        /** Lincheck's constructor. */
        public CloseFlag() {
            super(new PlantedRaces.ClosesWithAFlag());
        }
    }

    /** A mapping freed under two locks: rule T3's check. */
    public static class MappingFree extends FreeRaceLincheck {
        /** Lincheck's constructor. */
        public MappingFree() {
            super(new PlantedRaces.FreesAMappingOutsideTheLock());
        }
    }

    /** An owner lookup that throws while a mapping is freed: rule T4's check. */
    public static class OwnerDuringFree extends FreeRaceLincheck {
        /** Lincheck's constructor. */
        public OwnerDuringFree() {
            super(new PlantedRaces.OwnerThrowsDuringAGiveBack());
        }
    }

    /** The toy as written, under the race checks of T2 to T4. */
    public static class ToyCloseRaces extends CloseRaceLincheck {
        /** Lincheck's constructor. */
        public ToyCloseRaces() {
            super(new PlantedBugs.Correct());
        }
    }

    /** The toy as written, under the free and query races. */
    public static class ToyFreeRaces extends FreeRaceLincheck {
        /** Lincheck's constructor. */
        public ToyFreeRaces() {
            super(new PlantedBugs.Correct());
        }
    }

    @Test
    void theToyAsWrittenPassesTheRaceChecks() {
        RaceChecks.check(ToyCloseRaces.class, ToyFreeRaces.class);
    }

    /** A second close, racing the first, releases what the first released: the model finds it (T2). */
    @Test
    void aCloseWithAFlagIsFoundByTheCloseRace() {
        rejected(() -> AllocatorLincheck.check(CloseRaceLincheck.modelCheckingOptions(1), CloseFlag.class),
                "broken-race-close-flag", "invalid execution results", "close()");
    }

    /**
     * Both threads free the mapping: the second is refused for the wrong reason, or meets null taking it out of the
     * table, whichever interleaving model checking meets first (T3).
     */
    @Test
    void aMappingFreedUnderTwoLocksIsFoundByTheFreeRace() {
        rejected(() -> AllocatorLincheck.check(FreeRaceLincheck.modelCheckingOptions(1), MappingFree.class),
                "broken-race-mapping-free", "invalid execution results", "free(");
    }

    /** owner() throws InvalidFreeException for a mapping freed between its two looks (T4). */
    @Test
    void anOwnerLookupThatThrowsDuringAFreeIsFoundByTheQueryRace() {
        rejected(() -> AllocatorLincheck.check(FreeRaceLincheck.modelCheckingOptions(1), OwnerDuringFree.class),
                "broken-race-owner-give-back", "invalid execution results", "InvalidFreeException");
    }

    /** A mapping counted before its commit stays counted when the injected commit fault refuses it (C13). */
    @Test
    void aMappingCountedBeforeItsCommitIsFoundByTheInjectedFaults() {
        Verdict v = Engine.check(new ContractMachine(new PlantedRaces.CountsAMappingBeforeItsCommit()),
                Settings.fromSystemProperties());
        System.out.println(v.describe());
        assertThat(v.passed()).isFalse();
        assertThat(v.failure().violation().rule()).isEqualTo(Rule.C13_FAULTS.label());
        assertThat(v.failure().violation().getMessage()).contains("changed the stats");
    }

    static Stream<AllocatorProvider> races() {
        return Stream.of(new PlantedRaces.RefillOutsideTheLock(), new PlantedRaces.LosesAFreeIntoAFullPage(),
                new PlantedRaces.ChecksDoubleFreeOutsideTheLock(), new PlantedRaces.JunkFillsAfterTheLock());
    }

    @ParameterizedTest(name = "{0} passes the sequential contract")
    @MethodSource("races")
    void everyRacePassesTheSequentialContract(AllocatorProvider race) {
        // the toy as written passes the whole kit at the defaults (PlantedBugsTest); each race alters one
        // concurrent path, which one thread never takes: half the default chains show it
        Settings defaults = Settings.fromSystemProperties();
        Verdict v = Engine.check(new ContractMachine(race), defaults.withTries(Math.max(1, defaults.tries() / 2)));
        assertThat(v.passed()).as(v::describe).isTrue();
    }

    @Test
    void theToyAsWrittenPassesModelChecking() {
        AllocatorLincheck.check(AllocatorLincheck.modelCheckingOptions(), Toy.class);
    }

    /** Two frees into the full page race; the validation after the scenario finds the live count off. */
    @Test
    void aLostFreeIntoAFullPageIsFoundByModelChecking() {
        rejected(() -> AllocatorLincheck.check(AllocatorLincheck.modelCheckingOptions(), LostFree.class),
                "broken-race-full-free", "validation failure", "Validation function liveCountAgrees has failed");
    }

    /** From exhaustion, the lost slot is an allocation refused that a free made room for. */
    @Test
    void aLostFreeIsFoundFromExhaustionToo() {
        rejected(() -> AllocatorLincheck.check(AllocatorLincheck.modelCheckingOptions(Edges.EXHAUSTION),
                LostFreeAtExhaustion.class), "broken-race-full-free at exhaustion", "invalid execution results",
                "exhausted");
    }

    /** Both threads' frees of handle 2 accepted: results no sequential order gives. */
    @Test
    void aRacedDoubleFreeAcceptedTwiceIsFoundByModelChecking() {
        rejected(() -> AllocatorLincheck.check(AllocatorLincheck.modelCheckingOptions(), DoubleFree.class),
                "broken-race-double-free", "invalid execution results", "free(2): ok");
    }

    /** The junk written after the lock lands in a block handed out again: the validation sees its bytes. */
    @Test
    void aLateWriteIntoAReusedBlockIsFoundByModelChecking() {
        rejected(() -> AllocatorLincheck.check(AllocatorLincheck.modelCheckingOptions(), Junk.class), "broken-race-junk",
                "validation failure", "0x5f");
    }

    /**
     * The check threw Lincheck's verdict on the implementation (never a failure of the harness), of {@code kind}, with
     * {@code evidence} in Lincheck's report.
     */
    private static void rejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable check, String what, String kind,
            String evidence) {
        assertThatThrownBy(check).isInstanceOf(AllocatorLincheck.LincheckFailed.class).satisfies(e -> {
            LincheckVerdict v = ((AllocatorLincheck.LincheckFailed) e).verdict();
            System.out.println("Lincheck rejected " + what + ":\n" + e.getMessage());
            assertThat(v.whose()).as(v.headline()).isEqualTo(LincheckVerdict.Whose.IMPLEMENTATION);
            assertThat(v.kind()).isEqualTo(kind);
            assertThat(v.detail()).contains(evidence);
        });
    }
}
