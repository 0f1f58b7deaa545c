package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tables of the README, {@code spec/results.md} and {@code spec/results/rules.md} that a kit run produces are what
 * its saved report renders ({@code spec/results/main-job.json}, through {@link ReportTables}): a figure there never
 * drifts from the run it came from. Stale tables fail this and name the command that regenerates them. Regions other
 * tests own: the benchmark's ({@code FastBenchTablesTest}), the planted bugs' ({@code PlantedBugsTest}), the outsider
 * corpus's ({@code OutsiderCorpusTest}) and the mutation scores ({@code MutationResultsTest}).
 */
class ResultTablesTest {
    private static final Path REPORT = Path.of("spec/results/main-job.json");
    private static final Set<String> OWNED_ELSEWHERE = Set.of("planted-bugs", "outsider-corpus", "mutation-scores");

    static Stream<Arguments> documents() {
        return Stream.of(
                Arguments.of(Path.of("README.md"), List.of("hardening-summary")),
                Arguments.of(Path.of("spec/results.md"), List.of("main-job", "rules", "states", "hardening")),
                Arguments.of(Path.of("spec/results/rules.md"), designs().stream().map(d -> "rules-" + d).toList()));
    }

    private static List<String> designs() {
        try {
            return ReportJson.reports(Files.readString(REPORT)).stream().map(r -> (String) r.get("design")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void theResultTablesAreWhatTheSavedReportRenders(Path doc, List<String> required) throws IOException {
        Map<String, String> tables = ReportTables.render(ReportJson.reports(Files.readString(REPORT)));
        String text = Files.readString(doc);
        assertThat(ReportTables.regions(text)).as("the generated regions of %s", doc).containsAll(required)
                .filteredOn(name -> !name.startsWith("fast-bench-") && !OWNED_ELSEWHERE.contains(name))
                .allSatisfy(name -> assertThat(tables).containsKey(name));
        GeneratedRegions.keep(doc, tables, "ResultTablesTest");
    }

    @Test
    void aStaleTableIsDetectedAndOthersAreLeftAlone() {
        String doc = "a\n<!-- report:main-job -->\n| stale |\n<!-- /report -->\nb\n<!-- report:other -->\nx\n"
                + "<!-- /report -->\n";
        String fresh = ReportTables.refresh(doc, Map.of("main-job", "| fresh |\n"));
        assertThat(fresh).contains("| fresh |").doesNotContain("| stale |").contains("<!-- report:other -->\nx\n");
    }
}
