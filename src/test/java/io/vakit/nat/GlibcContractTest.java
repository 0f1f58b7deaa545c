package io.vakit.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.ContractReport;
import io.vakit.kit.RuleResult;
import io.vakit.spec.engine.Settings;
import org.junit.jupiter.api.Test;

/** glibc malloc, through the guarded binding, passes the contract; rules it cannot offer are skipped. */
class GlibcContractTest {

    @Test
    void passesTheContract() {
        ContractReport report = ContractReport.run(new GlibcProvider(), Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        assertThat(report.rules()).filteredOn(r -> r.status() == RuleResult.Status.SKIPPED)
                .allSatisfy(r -> assertThat(r.detail()).containsAnyOf("does not declare", "declares none of",
                        "the stats are the binding's"));
        assertThat(report.rules()).filteredOn(r -> r.status() == RuleResult.Status.BINDING).extracting(r -> r.rule().id())
                .containsExactly("M1", "M2", "M3", "M5", "M6", "M7", "T2", "T3"); // M7, T2: a C library has no close
        assertThat(report.rules()).filteredOn(r -> r.rule().id().equals("C12")).singleElement()
                .satisfies(r -> assertThat(r.status()).as("glibc refuses a terabyte: a refusal judged")
                        .isEqualTo(RuleResult.Status.PASS));
        assertThat(report.hardening()).isNotEmpty();
    }
}
