package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.broken.BrokenProviders;
import io.vakit.spec.engine.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Markdown and JSON reports carry every rule, skip reasons, and for a failure its chain and replay. */
class ReportFilesTest {
    @Test
    void writesBothFormsWithTheCounterexample(@TempDir Path dir) throws Exception {
        Settings s = Settings.fromSystemProperties();
        // a Java implementation that passes (its chains run in this process: a native's workers cost seconds)
        List<ContractReport> reports = List.of(ContractReport.run(new io.vakit.kit.broken.PlantedBugs.Correct(), s),
                ContractReport.run(BrokenProviders.doubleFree(), new Settings(42, 300, 40)));
        List<Path> files = ReportFiles.write(reports, dir);
        String md = Files.readString(files.get(0));
        String json = Files.readString(files.get(1));
        assertThat(md).contains("## toy-slab: PASS", "## broken-double-free: FAIL", "does not declare FAMILIES",
                "replay: vakit1|contract:broken-double-free|", "(../../spec/contract.md#m2)");
        assertThat(json).startsWith("{\"reports\":[").contains("\"design\":\"toy-slab\",\"title\":\"toy slab allocator\",\"passed\":true",
                "\"status\":\"SKIPPED\"", "\"rule\":\"M2 double free refused\"", "\"replay\":\"vakit1|contract:");
        assertThat(json.chars().filter(c -> c == '{').count()).isEqualTo(json.chars().filter(c -> c == '}').count());
        var read = ReportJson.reports(json); // what the tables generated from a report read
        assertThat(read).extracting(r -> r.get("design")).containsExactly("toy-slab", "broken-double-free");
        assertThat(read.get(1).get("failures").toString()).contains("replay=vakit1|contract:broken-double-free|");
    }
}
