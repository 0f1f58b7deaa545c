package io.vakit.nat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.kit.ContractReport;
import io.vakit.kit.RuleResult;
import io.vakit.spec.engine.Settings;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Feature;
import org.junit.jupiter.api.Test;

/**
 * A library that exports only part of the malloc family ({@code part_malloc}, {@code part_free}, {@code part_realloc}
 * and an {@code part_aligned_alloc} that refuses alignments above a page, as C11 allows) is bound by
 * {@code prefix:part_}: it gets the features of what it exports, the rest SKIPPED with the name it lacks, and the
 * alignments its aligned_alloc serves are measured, so a NULL for an alignment it does not support is never judged as
 * exhaustion.
 */
class PartialLibraryTest {
    @Test
    void prefixBindsWhatTheLibraryExportsAndSaysWhatIsAbsent() {
        AllocatorProvider p = BrokenNativeLibrary.partial("");
        assertThat(p.descriptor().features()).contains(Feature.REALLOC, Feature.ALIGNED_ALLOCATION)
                .doesNotContain(Feature.USABLE_SIZE);
        assertThat(p.descriptor().maxAlignment()).as("measured: it refuses above a page").isEqualTo(4096);
        assertThat(p.whyNot(Feature.USABLE_SIZE)).hasValue("the library exports no part_malloc_usable_size");
        assertThat(p.bindingRules()).containsKey("C6");
    }

    @Test
    void itPassesTheContractWithWhatItLacksSkippedOrTheBindings() {
        AllocatorProvider p = BrokenNativeLibrary.partial("");
        ContractReport report = ContractReport.run(p, Settings.fromSystemProperties().withTries(12));
        System.out.print(report.table());
        assertThat(report.verdict().passed()).as(report.verdict()::describe).isTrue();
        RuleResult c6 = report.rules().stream().filter(r -> r.rule().id().equals("C6")).findFirst().orElseThrow();
        assertThat(c6.status()).isEqualTo(RuleResult.Status.BINDING);
        assertThat(c6.detail()).contains("the library exports no part_calloc");
        RuleResult c9 = report.rules().stream().filter(r -> r.rule().id().equals("C9")).findFirst().orElseThrow();
        assertThat(c9.status()).isEqualTo(RuleResult.Status.SKIPPED);
        assertThat(c9.detail()).endsWith(": the library exports no part_malloc_usable_size");
    }

    @Test
    void aMissingMallocIsOneLineThatNamesIt() {
        assertThatThrownBy(() -> new NativeLibraryProvider("x", BrokenNativeLibrary.library(),
                MallocSymbols.parse("prefix:nothere_"), io.vakit.spi.AlignmentGuarantee.fixed(16), true,
                java.util.List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("design 'x': the library exports no 'nothere_malloc' (malloc is required)");
    }
}
