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
        RuleResult sized = t1(new io.vakit.design.sized.SizedProvider());
        assertThat(sized.status()).isEqualTo(RuleResult.Status.PASS);
        assertThat(sized.checks()).isPositive();
        RuleResult sequential = t1(new io.vakit.kit.broken.PlantedBugs.LastEdgeOffByOne()); // not THREAD_SAFE
        assertThat(sequential.status()).isEqualTo(RuleResult.Status.SKIPPED);
        assertThat(sequential.detail()).contains("THREAD_SAFE");
    }
}
