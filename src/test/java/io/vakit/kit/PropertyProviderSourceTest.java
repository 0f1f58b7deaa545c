package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.spi.ProviderSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** -Dvakit.impl and -Dvakit.classpath: found, and clear errors for what is not there. */
class PropertyProviderSourceTest {
    @AfterEach
    void clear() {
        System.clearProperty("vakit.impl");
        System.clearProperty("vakit.classpath");
    }

    @Test
    void aNamedProviderJoinsTheKit() {
        System.setProperty("vakit.impl", "io.vakit.kit.broken.SilentDoubleFreeAllocator$Provider");
        assertThat(ProviderSource.all()).anyMatch(p -> p.id().equals("broken-double-free"));
        assertThat(PropertyProviderSource.namedNow()).hasSize(1);
        ContractReport report = ContractReport.run(PropertyProviderSource.namedNow().get(0),
                io.vakit.spec.engine.Settings.fromSystemProperties());
        assertThat(report.passed()).as("the kit rejects it through the property").isFalse();
        assertThat(report.verdict().failureOf("M2 double free refused")).isNotNull();
    }

    @Test
    void aNamedProviderOptsIntoItsDesignsLayoutLaw() {
        System.setProperty("vakit.impl", "io.vakit.kit.broken.MisplacingAllocator$Provider");
        var provider = PropertyProviderSource.namedNow().get(0);
        assertThat(provider.descriptor().followed()).contains("sized");
        ContractReport report = ContractReport.run(provider,
                io.vakit.spec.engine.Settings.fromSystemProperties());
        assertThat(report.passed()).as("the design property it opted into rejects it").isFalse();
        assertThat(report.verdict().failureOf("L2 design layout")).isNotNull();
        assertThat(report.rules()).filteredOn(r -> r.rule().id().equals("L1")).singleElement()
                .satisfies(r -> assertThat(r.status()).isEqualTo(RuleResult.Status.PASS));
    }

    @Test
    void anUnknownClassOrAMissingJarIsNamed() {
        System.setProperty("vakit.impl", "com.example.NoSuchProvider");
        assertThatThrownBy(PropertyProviderSource::namedNow).hasMessageContaining("com.example.NoSuchProvider")
                .hasMessageContaining("-Dvakit.classpath");
        System.setProperty("vakit.classpath", "/no/such.jar");
        assertThatThrownBy(PropertyProviderSource::namedNow).hasMessageContaining("no such jar or folder: /no/such.jar");
        System.clearProperty("vakit.classpath");
        System.setProperty("vakit.impl", "java.lang.String");
        assertThatThrownBy(PropertyProviderSource::namedNow).hasMessageContaining("does not implement");
    }

    @Test
    void aClassFromAnotherFolderIsLoaded() {
        System.setProperty("vakit.classpath", "target/test-classes");
        System.setProperty("vakit.impl", "io.vakit.kit.broken.UnzeroedCallocAllocator$Provider");
        assertThat(PropertyProviderSource.namedNow()).singleElement()
                .satisfies(p -> assertThat(p.id()).isEqualTo("broken-calloc"));
    }
}
