package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.lincheck.LincheckMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The outsider corpus through the concurrency checks {@code mvn verify -Dvakit.impl} runs: Lincheck in both modes
 * (from the refill edges, and from exhaustion where a small configuration is declared), with the jar on the class path
 * ({@link LincheckMain}), and JCStress's edge races ({@code io.vakit.stress.StressMain}, as the build runs it). Each
 * outsider passes all of them. Not in the default build (about six minutes): {@code mvn verify -Poutsiders}.
 */
class OutsiderConcurrency {
    static Stream<OutsiderJars.Outsider> corpus() {
        return OutsiderJars.CORPUS.stream();
    }

    private static String run(List<String> cmd, String what) throws Exception {
        Path out = Files.createTempFile("vakit-" + what, ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(900, TimeUnit.SECONDS)).as(what + " finished").isTrue();
        String log = Files.readString(out);
        Files.deleteIfExists(out);
        log.lines().filter(l -> l.startsWith("lincheck:") || l.startsWith("vakit:") || l.contains("[OK]")
                || l.contains("[FAILED]") || l.contains("ERROR]")).forEach(l -> System.out.println(what + ": " + l));
        assertThat(p.exitValue()).as(log).isZero();
        return log;
    }

    @ParameterizedTest(name = "{0}: Lincheck, both modes")
    @MethodSource("corpus")
    void lincheckInBothModes(OutsiderJars.Outsider o) throws Exception {
        String log = run(LincheckMain.command(o.jar(), o.provider(), true), o.name() + "-lincheck");
        assertThat(log).contains("lincheck: stress refill: PASS", "lincheck: model refill: PASS");
    }

    @ParameterizedTest(name = "{0}: JCStress's edge races")
    @MethodSource("corpus")
    void jcstressEdgeRaces(OutsiderJars.Outsider o) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dvakit.impl=" + o.provider(),
                "-Dvakit.classpath=" + o.jar(), "-Dvakit.stress.impl=" + o.name(), "-cp",
                System.getProperty("java.class.path"), "io.vakit.stress.StressMain", "-m", "quick", "-sc", "false",
                "-fsm", "0", "-t", "io\\.vakit\\.stress\\.edges\\..*", "-r",
                Files.createTempDirectory("jcs").toString(), "-jvmArgs", "--enable-native-access=ALL-UNNAMED"));
        String log = run(cmd, o.name() + "-jcstress");
        assertThat(log).contains("vakit: running 4 JCStress tests against " + o.name());
    }
}
