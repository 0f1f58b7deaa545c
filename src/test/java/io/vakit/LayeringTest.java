package io.vakit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layers stay clean: pal imports nothing of vakit; ds only pal; spi nothing; the designs pal, ds and spi;
 * nat only spi; the spec (model, engine, kit) only the SPI and itself. Checked on the sources, so a new import that points upward fails the build.
 */
class LayeringTest {
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?(io\\.vakit\\.[a-z]+)",
            Pattern.MULTILINE);

    /** Package root to the vakit packages it may import (besides its own). */
    private static final Map<String, List<String>> ALLOWED = Map.of(
            "io.vakit.pal", List.of(),
            "io.vakit.ds", List.of("io.vakit.pal"),
            "io.vakit.spi", List.of(),
            "io.vakit.design", List.of("io.vakit.pal", "io.vakit.ds", "io.vakit.spi"),
            "io.vakit.nat", List.of("io.vakit.spi"),
            "io.vakit.spec", List.of("io.vakit.spi"),
            "io.vakit.kit", List.of("io.vakit.spi", "io.vakit.spec"));

    @Test
    void nothingPointsUpward() throws IOException {
        List<String> breaches = new ArrayList<>();
        int files = 0;
        for (Path root : List.of(Path.of("src/main/java"), Path.of("spec/java"))) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.filter(f -> f.toString().endsWith(".java")).toList()) {
                    files++;
                    String pkg = root.relativize(p.getParent()).toString().replace('/', '.');
                    String layer = pkg.split("\\.").length >= 3 ? String.join(".",
                            java.util.Arrays.copyOf(pkg.split("\\."), 3)) : pkg;
                    List<String> allowed = ALLOWED.get(layer);
                    if (allowed == null) {
                        continue;
                    }
                    Matcher m = IMPORT.matcher(Files.readString(p));
                    while (m.find()) {
                        String target = m.group(1);
                        if (!target.equals(layer) && !allowed.contains(target)) {
                            breaches.add(p + " imports " + target);
                        }
                    }
                }
            }
        }
        assertThat(files).isGreaterThan(10);
        assertThat(breaches).isEmpty();
    }
}
