package io.vakit.kit;

import io.vakit.spec.engine.Settings;
import io.vakit.spi.AllocatorProvider;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The kit for another project's tests, shipped as io.vakit:vakit:kit (in the way of the Reactive Streams TCK): extend
 * it, return your provider, and the contract runs against it, with the per-rule table printed and a shrunk,
 * replayable counterexample as the failure message. For the concurrency checks extend
 * {@link io.vakit.kit.lincheck.AllocatorLincheck}.
 */
public abstract class AllocatorContractTest {
    /** The implementation under test. */
    protected abstract AllocatorProvider provider();

    /** How hard to try: {@code vakit.tries}, {@code vakit.length}, {@code vakit.seed} by default. */
    protected Settings settings() {
        return Settings.fromSystemProperties();
    }

    @Test
    void passesTheAllocatorContract() {
        ContractReport report = ContractReport.run(provider(), settings());
        System.out.print(report.table());
        Assertions.assertTrue(report.passed(), () -> report.table() + report.verdict().describe());
    }
}
