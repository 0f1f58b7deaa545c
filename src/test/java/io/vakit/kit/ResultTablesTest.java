package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tables of {@code spec/results.md} that a kit run produces are what its saved report renders
 * ({@code spec/results/main-job.json}, through {@link ReportTables}): a figure there never drifts from the run it came
 * from. Stale tables fail this and name the command that regenerates them.
 */
class ResultTablesTest {
    private static final Path RESULTS = Path.of("spec/results.md");
    private static final Path REPORT = Path.of("spec/results/main-job.json");

    @Test
    void theResultTablesAreWhatTheSavedReportRenders() throws IOException {
        Map<String, String> tables = ReportTables.render(ReportJson.reports(Files.readString(REPORT)));
        String text = Files.readString(RESULTS);
        assertThat(ReportTables.regions(text)).as("the generated regions of results.md (the benchmark's own are "
                + "FastBenchTablesTest's)").contains("main-job", "rules-glibc", "hardening")
                .filteredOn(name -> !name.startsWith("fast-bench-"))
                .allSatisfy(name -> assertThat(tables).containsKey(name));
        if (Boolean.getBoolean("vakit.updateSpec")) {
            Files.writeString(RESULTS, ReportTables.refresh(text, tables));
            return;
        }
        assertThat(ReportTables.refresh(text, tables)).as("spec/results.md is stale; regenerate with: mvn -q test "
                + "-Dtest=ResultTablesTest -Dvakit.updateSpec=true").isEqualTo(text);
    }

    @Test
    void aStaleTableIsDetectedAndOthersAreLeftAlone() {
        String doc = "a\n<!-- report:main-job -->\n| stale |\n<!-- /report -->\nb\n<!-- report:other -->\nx\n"
                + "<!-- /report -->\n";
        String fresh = ReportTables.refresh(doc, Map.of("main-job", "| fresh |\n"));
        assertThat(fresh).contains("| fresh |").doesNotContain("| stale |").contains("<!-- report:other -->\nx\n");
    }
}
