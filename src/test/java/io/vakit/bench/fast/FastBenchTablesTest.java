package io.vakit.bench.fast;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.GeneratedRegions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmark tables of the README and {@code spec/results.md} are what the saved JMH run renders
 * ({@code spec/results/fast-bench.json} and its memory lines): a figure there never drifts from the run it came from.
 */
class FastBenchTablesTest {
    private static final Path JSON = Path.of("spec/results/fast-bench.json");
    private static final Path MEMORY = Path.of("spec/results/fast-bench-memory.tsv");

    @Test
    void theTablesAreWhatTheSavedRunRenders() throws IOException {
        Map<String, String> tables = new FastBenchTables(Files.readString(JSON), Files.readString(MEMORY)).tables();
        for (Path doc : new Path[] {Path.of("README.md"), Path.of("spec/results.md")}) {
            GeneratedRegions.keep(doc, tables, "FastBenchTablesTest");
        }
    }

    @Test
    void aRunRendersGlibcsTimeOverTheDesignsAndTheMemoryRatio() {
        String json = "[{\"benchmark\":\"io.vakit.bench.fast.PairsBenchmark.oneThread\",\"params\":{\"size\":\"64\","
                + "\"subject\":\"partitions-fast\"},\"primaryMetric\":{\"score\":10.0,\"scoreError\":1.0}},"
                + "{\"benchmark\":\"io.vakit.bench.fast.PairsBenchmark.oneThread\",\"params\":{\"size\":\"64\","
                + "\"subject\":\"glibc\"},\"primaryMetric\":{\"score\":25.0,\"scoreError\":2.0}}]";
        FastBenchTables t = new FastBenchTables(json, "pairs\tpartitions-fast\t64\t1.5\npairs\tpartitions\t64\t3.0\n");
        assertThat(t.summary()).contains("| pair 64 B, 1 thread | 10.0 | - | 25.0 |").contains("| **2.50** |");
        assertThat(t.time()).contains("10.0 ± 1.0");
        assertThat(t.memory()).contains("| pairs | 64 | 1.50 | 3.00 | 0.50 | - |");
    }
}
