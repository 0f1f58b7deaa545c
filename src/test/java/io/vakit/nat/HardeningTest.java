package io.vakit.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spi.MisuseResponse;
import io.vakit.spi.MisuseResponse.Response;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Misuse judged on the library itself, each kind in a fresh process with vakit's guard out of the way: glibc's own
 * detections are credited to it, and a library that takes a double free silently is reported as handing the block
 * out twice, never as a pass.
 */
class HardeningTest {

    private static MisuseResponse of(List<MisuseResponse> all, String misuse) {
        return all.stream().filter(r -> r.misuse().equals(misuse)).findFirst().orElseThrow();
    }

    @Test
    void glibcAbortsOnADoubleFreeWithItsOwnDiagnostic() {
        List<MisuseResponse> glibc = new GlibcProvider().hardening();
        glibc.forEach(System.out::println);
        assertThat(of(glibc, "double free (small)").response()).isEqualTo(Response.DETECTED);
        assertThat(of(glibc, "double free (small)").detail()).contains("double free detected");
        assertThat(of(glibc, "invalid free").response()).isEqualTo(Response.DETECTED);
        assertThat(of(glibc, "wrong-size free").response()).isEqualTo(Response.NOT_APPLICABLE);
    }

    @Test
    void aLibraryThatTakesADoubleFreeSilentlyIsReportedHandingTheBlockOutTwice() {
        List<MisuseResponse> cc = BrokenNativeLibrary.classConfusion().hardening();
        cc.forEach(System.out::println);
        MisuseResponse twice = of(cc, "double free (small)");
        assertThat(twice.response()).isEqualTo(Response.ACCEPTED_SILENTLY);
        assertThat(twice.detail()).startsWith("handed out the block at 0x").endsWith(" twice");
        assertThat(of(cc, "interior free").detail()).contains("inside the live block");
    }

    @Test
    void aDeathIsClassifiedBySignal() {
        assertThat(Hardening.classify("x", 134, "", "free(): double free detected in tcache 2\n").response())
                .isEqualTo(Response.DETECTED);
        MisuseResponse crash = Hardening.classify("x", 1, "#\n#  SIGSEGV (0xb) at pc=0x1, pid=2, tid=3\n"
                + "# Problematic frame:\n# C  [libfoo.so+0x10]  foo_free+0x4\n", "");
        assertThat(crash.response()).isEqualTo(Response.CRASHED);
        assertThat(crash.detail()).isEqualTo("SIGSEGV in C  [libfoo.so+0x10]  foo_free+0x4");
        assertThat(Hardening.classify("x", 134, "vakit-misused\n", "").response())
                .as("died after the free returned: accepted, then broke").isEqualTo(Response.ACCEPTED_SILENTLY);
    }
}
