package io.vakit.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.ContractReport;
import io.vakit.spec.engine.Settings;
import io.vakit.spi.AllocatorProvider;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract against the native allocators .ci/run installs (jemalloc, mimalloc, tcmalloc), loaded from their
 * .so through FFM. Each must get its known verdict, on every run (the seed is fixed and the aligned pairs reach the
 * bug): jemalloc and tcmalloc pass (with their declared small-block alignment); mimalloc 2.0.9 fails C3, and only C3,
 * with one of the requests its aligned_alloc bug misaligns (size equal to or twice an alignment of 256 or 512, or
 * 1024 at 1024).
 */
class NativeLibrariesContractTest {

    static Stream<String> libraries() {
        return NativeProviderSource.KNOWN.stream().map(NativeProviderSource.Known::id);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("libraries")
    void getsItsKnownVerdict(String id) {
        List<AllocatorProvider> installed = NativeProviderSource.installed();
        AllocatorProvider provider = installed.stream().filter(p -> p.id().equals(id)).findFirst().orElse(null);
        if (provider == null) {
            String why = id + " is not installed here (.ci/run installs libjemalloc2, libmimalloc2.0, "
                    + "libtcmalloc-minimal4)";
            System.out.println("skipped: " + why);
            Assumptions.abort(why);
        }
        ContractReport report = ContractReport.run(provider, Settings.fromSystemProperties());
        System.out.print(report.table());
        if (id.equals("mimalloc")) {
            // its aligned_alloc bug, found on every run by the aligned pairs: measured in C, misaligned exactly for
            // (size, alignment) = (256|512, 256), (512|1024, 512), (1024, 1024); the binding asks aligned_alloc for a
            // multiple of the alignment (C11), so a request (s, A) is the call (A, s rounded up to A). It fails
            // nothing else
            System.out.println("mimalloc's known failure:\n" + report.verdict().describe());
            assertThat(report.verdict().failures()).singleElement().satisfies(f -> {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("alloc#\\d+\\((\\d+),(\\d+)\\)")
                        .matcher(f.violation().getMessage());
                assertThat(f.violation().getMessage()).startsWith("C3 alignment");
                assertThat(m.find()).as(f.violation().getMessage()).isTrue();
                long size = Long.parseLong(m.group(1));
                long alignment = Long.parseLong(m.group(2));
                long called = (size + alignment - 1) / alignment * alignment;
                assertThat(called + "," + alignment).as("the call the binding made").isIn("256,256", "512,256",
                        "512,512", "1024,512", "1024,1024");
            });
            assertThat(report.missing()).isEmpty();
            return;
        }
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        assertThat(provider.descriptor().deviations()).containsExactly(NativeProviderSource.SMALL_ALIGNMENT);
    }

    @Test
    void aMissingLibraryOrSymbolIsNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NativeLibraryProvider("x",
                java.nio.file.Path.of("/no/such/lib.so"), MallocSymbols.parse("glibc"), NativeProviderSource.FUNDAMENTAL,
                true, List.of())).hasMessageContaining("no such file /no/such/lib.so");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MallocSymbols.parse("nonsense"))
                .hasMessageContaining("expected glibc, jemalloc, mimalloc");
        assertThat(MallocSymbols.parse("seed003").sizedFree()).isTrue();
        assertThat(MallocSymbols.parse("prefix:je_").malloc()).isEqualTo("je_malloc");
        assertThat(MallocSymbols.parse("malloc=a,free=b").calloc()).isNull();
    }
}
