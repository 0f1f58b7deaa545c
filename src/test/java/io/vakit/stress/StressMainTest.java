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

    /**
     * One JCStress run covers every bundled design: the edge races are generated into a package per design
     * (DesignEdgeTests), and a copy runs against the design its package names; the originals against
     * -Dvakit.stress.impl (default glibc).
     */
    @Test
    void aGeneratedEdgeRaceRunsAgainstTheDesignItsPackageNames() throws Exception {
        assertThat(io.vakit.stress.edges.EdgeState.providerOf(Class.forName("io.vakit.stress.edges.sized.CloseRace"))
                .id()).isEqualTo("sized");
        assertThat(io.vakit.stress.edges.EdgeState.providerOf(
                Class.forName("io.vakit.stress.edges.arenas_default.DoubleFreeRace")).id()).isEqualTo("arenas-default");
        assertThat(io.vakit.stress.edges.EdgeState.providerOf(io.vakit.stress.edges.CloseRace.class).id())
                .isEqualTo(System.getProperty("vakit.stress.impl", "glibc"));
        for (var p : StressMain.targets()) {
            if (p.descriptor().has(io.vakit.spi.Feature.THREAD_SAFE) && !p.id().startsWith("broken")) {
                assertThat(Class.forName("io.vakit.stress.edges." + p.id().replace('-', '_') + ".CloseRace"))
                        .as("the pom's vakit.stress.designs names %s", p.id()).isNotNull();
            }
        }
    }

    /**
     * The refill outside the class lock corrupts the class's page list: the next valid {@code allocate} throws, which
     * JCStress reports as an error of the test (an exception in an actor), named as such; or, when the corrupted list
     * hands one slot out twice before anything throws, as the forbidden outcome it is (seen on a loaded machine).
     */
    @Test
    void theRefillRaceRejectsARefillOutsideTheLock() throws Exception {
        String log = rejects("broken-race-refill", "LastSlotAndNextContainer",
                "on broken-race-refill: io.vakit.stress.edges.LastSlotAndNextContainer");
        boolean error = log.contains("vakit: JCStress error of the test (an exception thrown in an actor or the state, "
                + "not a forbidden outcome) on broken-race-refill") && log.contains("java.lang.NullPointerException");
        boolean forbidden = log.contains("vakit: JCStress forbidden outcome on broken-race-refill");
        assertThat(error || forbidden).as("the failure is named for what it was:%n%s", log).isTrue();
    }

    /** Both frees of one block accepted: the outcome the test names as forbidden. */
    @Test
    void theDoubleFreeRaceRejectsACheckBeforeTheLock() throws Exception {
        // the fourth result is the kind of block
        rejects("broken-race-double-free", "DoubleFreeRace", "vakit: JCStress forbidden outcome on "
                + "broken-race-double-free: io.vakit.stress.edges.DoubleFreeRace",
                "Observed forbidden state: 1, 1, 1, ", "(a double free accepted twice)");
    }

    @Test
    void eachFailureLineIsNamedForWhatFailed() {
        assertThat(StressMain.failure("x.Test [-jvmArgs] had failed with the test error.")).startsWith("error of the test");
        assertThat(StressMain.failure("x.Test [-jvmArgs] had failed with the VM error.")).startsWith("VM error");
        assertThat(StressMain.failure("x.Test [-jvmArgs] had timed out.")).isEqualTo("timeout");
        assertThat(StressMain.failure("x.Test [-jvmArgs]: Observed forbidden state: 1, 1, 1 (a double free accepted "
                + "twice)")).isEqualTo("forbidden outcome");
    }

    private static String rejects(String impl, String test, String... expected) throws Exception {
        Path out = Files.createTempFile("jcstress-" + impl, ".txt");
        Process p = run(out, impl, "-m", "quick", "-sc", "false", "-t", "io\\.vakit\\.stress\\.edges\\." + test,
                "-r", Files.createTempDirectory("jcs").toString(), "-jvmArgs", "--enable-native-access=ALL-UNNAMED");
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(out);
        assertThat(p.exitValue()).as(log).isEqualTo(1);
        assertThat(log).contains("vakit: running 1 JCStress tests against " + impl).contains(expected);
        log.lines().filter(l -> l.startsWith("vakit: JCStress") || l.contains("Observed forbidden state")
                || l.contains("Exception:")).distinct().forEach(l -> System.out.println("JCStress: " + l));
        return log;
    }
}
