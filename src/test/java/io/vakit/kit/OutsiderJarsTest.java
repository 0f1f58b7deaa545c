package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Builds the outsider corpus's jars into {@code target/outsiders}, each holding its correct and its planted provider
 * and nothing of vakit: the README's quick start for a Java allocator runs the kit on one of them
 * ({@code mvn -q test -Dtest=OutsiderJarsTest}).
 */
class OutsiderJarsTest {

    @Test
    void everyOutsiderIsAJarOfItsOwnProvidersAlone() throws IOException {
        for (OutsiderJars.Outsider o : OutsiderJars.CORPUS) {
            Path jar = o.jar();
            try (JarFile j = new JarFile(jar.toFile())) {
                assertThat(j.getEntry(o.provider().replace('.', '/') + ".class")).as("%s in %s", o.provider(), jar)
                        .isNotNull();
                assertThat(j.getEntry(o.planted().replace('.', '/') + ".class")).as("%s in %s", o.planted(), jar)
                        .isNotNull();
                assertThat(j.stream().map(e -> e.getName()).filter(n -> n.startsWith("io/vakit/")))
                        .as("%s holds none of vakit's classes", jar).isEmpty();
            }
        }
    }
}
