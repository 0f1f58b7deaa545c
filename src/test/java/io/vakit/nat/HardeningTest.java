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

    /**
     * The library's diagnostic is what it wrote after the misuse began: a line the launcher wrote at start-up (a
     * {@code JAVA_TOOL_OPTIONS} in the environment) once turned a silent acceptance into DETECTED.
     */
    @Test
    void aLineTheLauncherWroteBeforeTheMisuseIsNoDiagnostic() {
        String launcher = "Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nNOTE: Picked up JDK_JAVA_OPTIONS: -Dx=1\n";
        String quiet = "vakit-misused\nvakit-followed nothing visible\n";
        assertThat(Hardening.classify("double free (small)", 0, quiet, launcher + Hardening.BEGINS + "\n").response())
                .isEqualTo(Response.ACCEPTED_SILENTLY);
        assertThat(Hardening.classify("double free (small)", 0, quiet, launcher).response())
                .as("no marker: the library said nothing after the misuse").isEqualTo(Response.ACCEPTED_SILENTLY);
        MisuseResponse said = Hardening.classify("double free (small)", 0, quiet, launcher + Hardening.BEGINS
                + "\nmylib: double free of 0x7f00 ignored\n");
        assertThat(said.response()).isEqualTo(Response.DETECTED);
        assertThat(said.detail()).isEqualTo("reported and carried on: mylib: double free of 0x7f00 ignored");
    }

    /**
     * A hardened allocator stops on misuse with a trap instruction (PartitionAlloc's IMMEDIATE_CRASH is a ud2): that is
     * its detection, read from the crash log's instruction bytes at the faulting pc, inside the library.
     */
    @Test
    void aDeliberateTrapInTheLibraryIsADetection() {
        List<MisuseResponse> ud2 = BrokenNativeLibrary.trappingUd2().hardening();
        ud2.forEach(System.out::println);
        for (String misuse : List.of("invalid free", "interior free", "double free (small)", "double free (large)",
                "foreign free")) {
            MisuseResponse r = of(ud2, misuse);
            assertThat(r.response()).as(misuse + ": " + r.detail()).isEqualTo(Response.DETECTED);
            assertThat(r.detail()).startsWith("trap: ud2 (SIGILL)").contains("libvakit_broken.so");
        }
        MisuseResponse int3 = of(BrokenNativeLibrary.trappingInt3().hardening(), "double free (small)");
        System.out.println(int3);
        assertThat(int3.response()).isEqualTo(Response.DETECTED);
        assertThat(int3.detail()).startsWith("trap: int3");
    }

    @Test
    void aTrapIsReadFromTheInstructionAtThePc() {
        String log = "Instructions: (pc=0x0000000000001003)\n  0x0000000000000ff3:   00 00 00 00 00 00 00 00 00 00 00 00"
                + " 00 00 00 00\n=>0x0000000000001003:   0f 0b 90 90 00 00 00 00 00 00 00 00 00 00 00 00\n";
        String how = "SIGILL in C  [libfoo.so+0x1003]  foo_free+0x13";
        assertThat(Hardening.trap(1, how, log, "libfoo.so")).startsWith("ud2 (SIGILL)");
        assertThat(Hardening.trap(1, how, log, "libbar.so")).as("not inside the library").isNull();
        assertThat(Hardening.trap(1, how, log.replace("0f 0b", "48 8b"), "libfoo.so")).as("no ud2 there").isNull();
        assertThat(Hardening.trap(133, "exit status 133", "", "libfoo.so")).startsWith("int3");
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
