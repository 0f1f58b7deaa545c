package io.vakit.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The JCStress wiring fails when it should: a filter that matches nothing fails the run (plain JCStress exits 0);
 * the edge races run once per implementation named, and reject the races planted where they live: a refill outside
 * the class lock ({@code broken-race-refill}, which Lincheck's model checking does not see) and a double free checked
 * before the lock ({@code broken-race-double-free}). Real
 * JCStress runs in child JVMs, as the build runs it, with the build's options.
 */
class StressMainTest {

    private static Process run(Path out, String impls, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dvakit.stress.impl=" + impls, "-cp",
                System.getProperty("java.class.path"), StressMain.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    @Test
    void aFilterThatMatchesNothingFailsTheRun() throws Exception {
        Path out = Files.createTempFile("jcstress-nomatch", ".txt");
        Process p = run(out, "", "-t", "no\\.such\\.Test", "-r", Files.createTempDirectory("jcs").toString());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(out)).isEqualTo(1);
        assertThat(Files.readString(out)).contains("matched no test");
    }

    /** Three actors, as a test once had: JCStress leaves such a test out on a machine of two CPUs, silently. */
    static final class ThreeActors {
        @org.openjdk.jcstress.annotations.Actor
        public void one() { }

        @org.openjdk.jcstress.annotations.Actor
        public void two() { }

        @org.openjdk.jcstress.annotations.Actor
        public void three() { }
    }

    @Test
    void aTestWithMoreActorsThanCpusIsSkippedWithItsReason() {
        int cpus = Runtime.getRuntime().availableProcessors();
        String reason = StressMain.tooManyActors(ThreeActors.class.getName());
        if (cpus < 3) {
            assertThat(reason).isEqualTo("it has 3 actors and this machine " + cpus + " CPUs");
        } else {
            assertThat(reason).isNull();
        }
        assertThat(StressMain.tooManyActors(io.vakit.stress.edges.DoubleFreeRace.class.getName())).isNull();
    }

    @Test
    void theRefillRaceRejectsARefillOutsideTheLock() throws Exception {
        rejects("broken-race-refill", "LastSlotAndNextContainer", "");
    }

    @Test
    void theDoubleFreeRaceRejectsACheckBeforeTheLock() throws Exception {
        rejects("broken-race-double-free", "DoubleFreeRace", "(a double free accepted twice)");
    }

    private static void rejects(String impl, String test, String outcome) throws Exception {
        Path out = Files.createTempFile("jcstress-" + impl, ".txt");
        Process p = run(out, impl, "-m", "quick", "-sc", "false", "-t", "io\\.vakit\\.stress\\.edges\\." + test,
                "-r", Files.createTempDirectory("jcs").toString(), "-jvmArgs", "--enable-native-access=ALL-UNNAMED");
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(out);
        assertThat(p.exitValue()).as(log).isEqualTo(1);
        assertThat(log).contains("vakit: running 1 JCStress tests against " + impl)
                .contains("vakit: JCStress found forbidden outcomes on " + impl).contains(outcome);
        log.lines().filter(l -> l.startsWith("vakit: JCStress found") || l.contains("Observed forbidden state")
                || l.contains("Exception:")).distinct().forEach(l -> System.out.println("JCStress: " + l));
    }
}
