package io.vakit.spec.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every generated table in {@code spec/*.md} is what the code renders now. When one is stale this fails and
 * names the command that regenerates them: {@code mvn -q test -Dtest=SpecTablesTest -Dvakit.updateSpec=true}.
 */
class SpecTablesTest {
    private static final Path SPEC = Path.of("spec");

    @Test
    void specTablesMatchTheCode() throws IOException {
        if (Boolean.getBoolean("vakit.updateSpec")) {
            System.out.println("regenerated: " + SpecTables.refreshAll(SPEC));
        }
        List<String> stale = new ArrayList<>();
        int tables = 0;
        try (var files = Files.list(SPEC)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                String text = Files.readString(f);
                tables += text.split("<!-- table:", -1).length - 1;
                if (!SpecTables.refresh(text).equals(text)) {
                    stale.add(f.toString());
                }
            }
        }
        assertThat(tables).as("generated tables found in spec/").isGreaterThan(0);
        assertThat(stale).as("stale tables; regenerate with: mvn -q test -Dtest=SpecTablesTest "
                + "-Dvakit.updateSpec=true").isEmpty();
    }

    @Test
    void aStaleTableIsDetected() {
        String doc = "x\n<!-- table:contract-rules -->\n| stale |\n<!-- /table -->\ny\n";
        assertThat(SpecTables.refresh(doc)).isNotEqualTo(doc).contains("| M7 | use after close refused |");
    }
}
