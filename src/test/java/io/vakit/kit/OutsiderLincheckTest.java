package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.lincheck.LincheckMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Lincheck on a provider from outside: the {@code slabs} outsider reads static fields (its configuration flag, its
 * class sizes), switches on an enum and uses nested and anonymous classes, all from a jar of its own. With the jar on
 * the class path of the JVM that runs Lincheck ({@link LincheckMain}, as {@code mvn verify -Dvakit.classpath} puts it
 * on the tests' class path), both modes run and pass. With the jar only in a child class loader, model checking cannot
 * load the classes it meets, and that is reported as the harness's failure, never the provider's.
 */
class OutsiderLincheckTest {
    private static Result run(List<String> cmd) throws Exception {
        Path out = Files.createTempFile("vakit-lincheck", ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).as("Lincheck finished").isTrue();
        String log = Files.readString(out);
        Files.deleteIfExists(out);
        log.lines().filter(l -> l.startsWith("lincheck:")).forEach(System.out::println);
        return new Result(p.exitValue(), log);
    }

    private record Result(int exit, String log) {}

    @Test
    void bothModesRunOnAJarThatReadsStaticFieldsEnumsAndNestedClasses() throws Exception {
        OutsiderJars.Outsider slabs = OutsiderJars.named("slabs");
        Result r = run(LincheckMain.command(slabs.jar(), slabs.provider(), true));
        assertThat(r.exit()).as(r.log()).isZero();
        assertThat(r.log()).contains("lincheck: stress refill: PASS", "lincheck: model refill: PASS");
    }

    @Test
    void aClassOnlyAChildLoaderHasIsTheHarnessesFailureNeverTheProviders() throws Exception {
        OutsiderJars.Outsider slabs = OutsiderJars.named("slabs");
        Result r = run(LincheckMain.command(slabs.jar(), slabs.provider(), false, "model"));
        assertThat(r.exit()).as(r.log()).isEqualTo(LincheckMain.HARNESS);
        assertThat(r.log()).contains("lincheck: model refill: vakit's Lincheck harness failed (class not found): this "
                + "is no verdict on the implementation").doesNotContain("Lincheck rejected the implementation");
    }
}
