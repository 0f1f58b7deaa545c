package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spec.engine.Settings;
import io.vakit.spi.AllocatorProvider;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code mvn verify -Dvakit.impl=<provider class> [-Dvakit.classpath=<jar>]} or {@code -Dvakit.native=<.so>
 * [-Dvakit.native.symbols=...]}: the contract against that implementation (its Lincheck checks are in
 * {@link ExternalImplementationLincheckTest}). Without either property it says so and is skipped.
 */
class ExternalImplementationTest {
    static List<AllocatorProvider> named() {
        List<AllocatorProvider> named = new java.util.ArrayList<>(PropertyProviderSource.namedNow());
        named.addAll(io.vakit.nat.NativeProviderSource.namedLibrary());
        if (named.isEmpty()) {
            String why = "no -Dvakit.impl or -Dvakit.native given: nothing external to check";
            System.out.println("skipped: " + why);
            Assumptions.abort(why);
        }
        return named;
    }

    @Test
    void passesTheContract() {
        for (AllocatorProvider p : named()) {
            ContractReport report = ContractReport.run(p, Settings.fromSystemProperties());
            System.out.print(report.table());
            assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        }
    }
}
