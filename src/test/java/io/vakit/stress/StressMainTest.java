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
 * The JCStress wiring fails when it should: a filter that matches nothing fails the run (plain JCStress exits 0),
 * and the overlap test, pointed at the unsynchronised free list, finds the race and fails the run. Real JCStress
 * runs in a child JVM, as the build runs it.
 */
class StressMainTest {

    private static Process run(Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                StressMain.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    @Test
    void aFilterThatMatchesNothingFailsTheRun() throws Exception {
        Path out = Files.createTempFile("jcstress-nomatch", ".txt");
        Process p = run(out, "-t", "no\\.such\\.Test", "-r", Files.createTempDirectory("jcs").toString());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(out)).isEqualTo(1);
        assertThat(Files.readString(out)).contains("matched no test");
    }

    @Test
    void theOverlapTestCatchesTheRacyFreeList() throws Exception {
        Path out = Files.createTempFile("jcstress-racy", ".txt");
        Process p = run(out, "-m", "quick", "-sc", "false", "-t", "io\\.vakit\\.stress\\.ConcurrentAllocationsNeverOverlap",
                "-r", Files.createTempDirectory("jcs").toString(),
                "-jvmArgs", "--enable-native-access=ALL-UNNAMED -Dvakit.stress.impl=broken-racy");
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(out);
        assertThat(p.exitValue()).as(log).isEqualTo(1);
        assertThat(log).contains("Observed forbidden state: 1, 1 (two threads were given overlapping blocks)");
        System.out.println("JCStress rejected broken-racy: "
                + log.lines().filter(l -> l.contains("Observed forbidden state")).findFirst().orElse(""));
    }
}
