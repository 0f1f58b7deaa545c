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
        keep(doc, tables, test, java.util.function.UnaryOperator.identity());
    }

    /**
     * The same, comparing the document and what the run renders after {@code same} has rewritten both: for a cell
     * that is one run's example (a shrunk chain, whose shrinking may end on another chain as short from run to run),
     * {@code same} blanks it, so that the check holds every other cell to what the run reported.
     */
    public static void keep(Path doc, Map<String, String> tables, String test,
            java.util.function.UnaryOperator<String> same) throws IOException {
        String text = Files.readString(doc);
        assertThat(ReportTables.regions(text)).as("%s has a region of %s", doc, tables.keySet())
                .anyMatch(tables::containsKey);
        String fresh = ReportTables.refresh(text, tables);
        if (Boolean.getBoolean("vakit.updateSpec")) {
            Files.writeString(doc, fresh);
            return;
        }
        assertThat(same.apply(fresh)).as("%s is stale; regenerate with: mvn -q test -Dtest=%s -Dvakit.updateSpec=true",
                doc, test).isEqualTo(same.apply(text));
    }
}
