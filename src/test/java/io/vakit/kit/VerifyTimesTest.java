package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify's time per phase is read from what surefire, the invoker and JCStress leave in the build directory. */
class VerifyTimesTest {
    @Test
    void sumsEachSurefireJvmTheInvokerAndJcstress(@TempDir Path target) throws Exception {
        Path unit = Files.createDirectories(target.resolve("surefire-reports/unit"));
        Files.writeString(unit.resolve("TEST-a.A.xml"), "<testsuite name=\"a.A\" time=\"12.5\" tests=\"3\" errors=\"0\">");
        Files.writeString(unit.resolve("TEST-a.B.xml"), "<testsuite name=\"a.B\" time=\"1,000.5\" tests=\"2\">");
        Path lin = Files.createDirectories(target.resolve("surefire-reports/lincheck-kit"));
        Files.writeString(lin.resolve("TEST-c.C.xml"), "<testsuite name=\"c.C\" time=\"40\" tests=\"1\">");
        Path inv = Files.createDirectories(target.resolve("invoker-reports"));
        Files.writeString(inv.resolve("BUILD-kit-example.xml"),
                "<build-job project=\"kit-example/pom.xml\" name=\"\" result=\"success\" time=\"53.8\" />");
        Path jcs = Files.createDirectories(target.resolve("jcstress-results"));
        Files.writeString(jcs.resolve("vakit-elapsed.txt"), "170.0 8\n");
        String table = VerifyTimes.table(target);
        System.out.print(table);
        assertThat(table).containsPattern("surefire unit +1013\\.0 s +\\(2 classes, 5 tests\\)")
                .containsPattern("surefire lincheck-kit +40\\.0 s")
                .containsPattern("invoker +kit-example/pom.xml +53\\.8 s")
                .containsPattern("jcstress 8 runs +170\\.0 s")
                .containsPattern("sum +1276\\.8 s");
    }
}
