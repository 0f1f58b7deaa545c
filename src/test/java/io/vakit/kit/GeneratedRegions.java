package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Keeps a document's generated regions ({@code <!-- report:NAME -->}, {@link ReportTables}) equal to what a run renders:
 * with {@code -Dvakit.updateSpec=true} it rewrites them, otherwise a stale region fails and names the command that
 * regenerates it. The tests that own tables (results, benchmark, planted bugs, corpus) share it.
 */
public final class GeneratedRegions {
    private GeneratedRegions() {}

    /** {@code doc}'s regions that {@code tables} names are what they render; {@code test} regenerates them. */
    public static void keep(Path doc, Map<String, String> tables, String test) throws IOException {
        String text = Files.readString(doc);
        assertThat(ReportTables.regions(text)).as("%s has a region of %s", doc, tables.keySet())
                .anyMatch(tables::containsKey);
        String fresh = ReportTables.refresh(text, tables);
        if (Boolean.getBoolean("vakit.updateSpec")) {
            Files.writeString(doc, fresh);
            return;
        }
        assertThat(fresh).as("%s is stale; regenerate with: mvn -q test -Dtest=%s -Dvakit.updateSpec=true", doc, test)
                .isEqualTo(text);
    }
}
