package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.kit.lincheck.AllocatorLincheck;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Both Lincheck modes run against a correct provider whose classes exist only in a jar named by
 * {@code -Dvakit.classpath} (built by the test build from {@code src/test/external}), exactly as
 * {@code mvn verify -Dvakit.impl=... -Dvakit.classpath=...} runs {@link ExternalImplementationLincheckTest}.
 */
class ExternalJarLincheckTest {
    private static final String IMPL = "com.example.external.LockedGroupsProvider";

    @AfterEach
    void clear() {
        System.clearProperty("vakit.impl");
        System.clearProperty("vakit.classpath");
    }

    private static void name(Path jar) {
        System.setProperty("vakit.impl", IMPL);
        System.setProperty("vakit.classpath", jar.toString());
    }

    @Test
    void theJarIsNotOnTheTestClassPath() throws Exception {
        Path jar = ExternalJar.build();
        assertThatThrownBy(() -> Class.forName(IMPL)).isInstanceOf(ClassNotFoundException.class);
        name(jar);
        assertThat(PropertyProviderSource.named()).singleElement()
                .satisfies(p -> assertThat(p.getClass().getClassLoader())
                        .isNotSameAs(ExternalJarLincheckTest.class.getClassLoader()));
    }

    @Test
    void stressModeRunsOnTheJar() throws Exception {
        name(ExternalJar.build());
        AllocatorLincheck.stressOptions().iterations(3).check(ExternalImplementationLincheckTest.class);
    }

    @Test
    void modelCheckingRunsOnTheJar() throws Exception {
        name(ExternalJar.build());
        AllocatorLincheck.modelCheckingOptions().iterations(3).check(ExternalImplementationLincheckTest.class);
    }
}
