package io.vakit.spec.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.ContractReport;
import io.vakit.kit.RuleResult;
import io.vakit.spec.engine.Settings;
import io.vakit.spi.AllocatorProvider;
import org.junit.jupiter.api.Test;

/**
 * The multi-thread soak (T1): with the default settings it rejects an allocator that declares THREAD_SAFE but pops
 * its free list without a lock (two threads get one slot), passes a correct thread-safe design, and is skipped, with
 * the reason, for a design that does not declare THREAD_SAFE.
 */
class SoakMachineTest {

    private static RuleResult t1(AllocatorProvider p) {
        ContractReport r = ContractReport.run(p, Settings.fromSystemProperties());
        System.out.print(r.table());
        return r.rules().stream().filter(x -> x.rule() == Rule.T1_SOAK).findFirst().orElseThrow();
    }

    @Test
    void anUnlockedFreeListDeclaredThreadSafeFailsTheSoak() {
        RuleResult t1 = t1(new io.vakit.kit.broken.RacyFreeListAllocator.Provider());
        assertThat(t1.status()).isEqualTo(RuleResult.Status.FAIL);
        assertThat(t1.detail()).contains("T1 multi-thread soak");
    }

    @Test
    void aCorrectThreadSafeDesignPassesAndASequentialOneIsSkipped() {
        ContractReport report = ContractReport.run(new io.vakit.design.sized.SizedProvider(),
                Settings.fromSystemProperties());
        RuleResult sized = report.rules().stream().filter(x -> x.rule() == Rule.T1_SOAK).findFirst().orElseThrow();
        assertThat(sized.status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(sized.checks()).isPositive();
        assertThat(report.states().get(States.OVERLAPPED)).as("overlapped calls seen").isGreaterThanOrEqualTo(
                SoakMachine.Overlaps.required());
        RuleResult sequential = t1(new io.vakit.kit.broken.PlantedBugs.LastEdgeOffByOne()); // not THREAD_SAFE
        assertThat(sequential.status()).isEqualTo(RuleResult.Status.SKIPPED);
        assertThat(sequential.detail()).contains("THREAD_SAFE");
    }

    /**
     * A soak whose threads were never seen inside the allocator together has checked nothing concurrent: with one
     * thread, no call overlaps another, and T1 is UNCHECKED with its state missing, never PASS.
     */
    @Test
    void aSoakThatSawNoOverlappingCallsIsUncheckedNotPassed() {
        String threads = System.getProperty("vakit.soak.threads");
        String seconds = System.getProperty("vakit.soak.seconds");
        System.setProperty("vakit.soak.threads", "1");
        System.setProperty("vakit.soak.seconds", "1");
        try {
            ContractReport r = ContractReport.run(new io.vakit.design.sized.SizedProvider(),
                    Settings.fromSystemProperties());
            RuleResult t1 = r.rules().stream().filter(x -> x.rule() == Rule.T1_SOAK).findFirst().orElseThrow();
            assertThat(t1.status()).isEqualTo(RuleResult.Status.UNCHECKED);
            assertThat(r.missing()).contains(States.OVERLAPPED);
            assertThat(r.passed()).isFalse();
        } finally {
            restore("vakit.soak.threads", threads);
            restore("vakit.soak.seconds", seconds);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
