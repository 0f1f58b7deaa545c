package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mutation tables of the README, {@code spec/results.md} and {@code spec/results/mutation.md} are what PIT's saved
 * reports and the written reasons render ({@link MutationResults}); a stale table fails and names the command.
 */
class MutationResultsTest {
    @Test
    void theMutationTablesAreWhatTheSavedReportsRender() throws IOException {
        List<MutationResults.Run> runs = MutationResults.runs();
        assertThat(runs).as("runs.tsv names at least one design").isNotEmpty();
        String scores = MutationResults.scores(runs);
        GeneratedRegions.keep(Path.of("README.md"), Map.of("mutation-scores", scores), "MutationResultsTest");
        GeneratedRegions.keep(Path.of("spec/results.md"), Map.of("mutation-scores", scores), "MutationResultsTest");
        Map<String, String> survivors = new LinkedHashMap<>();
        runs.forEach(r -> survivors.put("mutation-survivors-" + r.design(), MutationResults.survivors(r)));
        GeneratedRegions.keep(Path.of("spec/results/mutation.md"), survivors, "MutationResultsTest");
    }

    @Test
    void aMutantWithoutAWrittenReasonIsAGap() {
        MutationResults.Run run = new MutationResults.Run("d", List.of(
                new MutationResults.Mutant("A.f", "NegateConditionals", 3, "SURVIVED"),
                new MutationResults.Mutant("A.g", "VoidMethodCall", 4, "NO_COVERAGE"),
                new MutationResults.Mutant("A.g", "Math", 5, "KILLED"),
                new MutationResults.Mutant("A.h", "Math", 7, "SURVIVED")), "2026-12-05", "abc", "1", "how",
                List.of(new MutationResults.Reason("A.f", "*", "3", "equivalent: the slow path gives the same answer"),
                        new MutationResults.Reason("A.g", "*", "9", "another line"),
                        new MutationResults.Reason("A.h", "Math", "*", "gap: a fill of every chunk would kill it")));
        assertThat(run.detected()).isEqualTo(1);
        assertThat(run.explained()).as("a gap's explanation leaves it a gap").isEqualTo(1);
        assertThat(MutationResults.survivors(run)).contains("| `A.f` | 1 | NegateConditionals (3) | equivalent")
                .contains("| `A.g` | 1 | VoidMethodCall, never reached (4) | **no reason written: a gap** |")
                .contains("| `A.h` | 1 | Math (7) | **a gap:** a fill of every chunk would kill it |");
        assertThat(MutationResults.scores(List.of(run))).contains("| `d` | 1 / 4 | **25.0%** | 33.3% (1 / 3) | 1 / 2 |");
    }
}
