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
            assertThat(t1.detail()).startsWith("the soak saw 0 overlapped calls of the 2000 it needs");
            assertThat(r.missing()).contains(States.OVERLAPPED);
            assertThat(r.passed()).isFalse();
        } finally {
            restore("vakit.soak.threads", threads);
            restore("vakit.soak.seconds", seconds);
        }
    }

    /**
     * A thread descheduled inside a call is in flight while another thread makes a thousand calls: on one core that is
     * all "overlapping" ever is. None of those calls counts as overlapped; the long call counts as stalled.
     */
    @Test
    void aCallDescheduledInsideTheAllocatorIsStalledNotOverlapped() throws InterruptedException {
        SoakMachine.Overlaps overlaps = new SoakMachine.Overlaps();
        long inside = overlaps.enter();
        Thread other = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 1000; i++) {
                overlaps.leave(overlaps.enter());
            }
        });
        other.join();
        overlaps.leave(inside);
        assertThat(overlaps.seen.sum()).as("overlapped").isZero();
        assertThat(overlaps.stalled.sum()).as("stalled").isEqualTo(1);
        assertThat(overlaps.enough()).isFalse();
    }

    /** Two calls on two threads, each begun before the other returned: both are overlapped. */
    @Test
    void twoCallsInFlightTogetherAreBothOverlapped() throws InterruptedException {
        SoakMachine.Overlaps overlaps = new SoakMachine.Overlaps();
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch left = new java.util.concurrent.CountDownLatch(1);
        long mine = overlaps.enter();
        Thread other = Thread.ofPlatform().start(() -> {
            long theirs = overlaps.enter();
            entered.countDown();
            try {
                left.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            overlaps.leave(theirs);
        });
        entered.await();
        overlaps.leave(mine);
        left.countDown();
        other.join();
        assertThat(overlaps.seen.sum()).isEqualTo(2);
        assertThat(overlaps.stalled.sum()).isZero();
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
