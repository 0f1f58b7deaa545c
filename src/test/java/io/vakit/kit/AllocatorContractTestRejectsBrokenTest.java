package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.kit.broken.BrokenProviders;
import io.vakit.spec.engine.Settings;
import io.vakit.spi.AllocatorProvider;
import org.junit.jupiter.api.Test;

/** The kit's extension point rejects a broken implementation, as another project would see it. */
class AllocatorContractTestRejectsBrokenTest {
    @Test
    void anExtensionForABrokenAllocatorFails() {
        AllocatorContractTest extension = new AllocatorContractTest() {
            @Override
            protected AllocatorProvider provider() {
                return BrokenProviders.doubleFree();
            }

            @Override
            protected Settings settings() {
                return Settings.fromSystemProperties();
            }
        };
        assertThatThrownBy(extension::passesTheAllocatorContract).isInstanceOf(AssertionError.class)
                .hasMessageContaining("M2 double free refused").hasMessageContaining("replay: vakit1|");
    }
}
