package io.vakit.spec.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every chain saved under {@code src/test/resources/replays/}. A file holds {@code expect: pass} or
 * {@code expect: fail <rule>} and one {@code replay:} line; lines starting with {@code #} are comments. A chain of a
 * native library may say {@code requires: <file>.so}: where that library is not installed, its test is aborted
 * with that reason printed; {@code builds: <file>} compiles the test build's own C library first. A native chain
 * replays in a fresh worker process, exactly. Save a failing chain here and it is replayed on every build.
 */
class SavedReplaysTest {
    private static final Path DIR = Path.of("src/test/resources/replays");

    @TestFactory
    Stream<DynamicTest> everySavedChainReplays() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> p.toString().endsWith(".replay")).sorted().toList();
        }
        assertThat(files).as("saved replays in " + DIR).isNotEmpty();
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String expect = null;
            String replay = null;
            for (String line : Files.readAllLines(f)) {
                if (line.startsWith("builds:")) { // the test build's own C library, compiled with gcc
                    io.vakit.nat.BrokenNativeLibrary.library();
                } else if (line.startsWith("requires:")) {
                    String lib = line.substring(9).strip();
                    if (io.vakit.nat.NativeProviderSource.find(lib).isEmpty()) {
                        String why = f.getFileName() + " needs " + lib + ", which is not installed (.ci/run installs it)";
                        System.out.println("skipped: " + why);
                        org.junit.jupiter.api.Assumptions.abort(why);
                    }
                } else if (line.startsWith("expect:")) {
                    expect = line.substring(7).strip();
                } else if (line.startsWith("replay:")) {
                    replay = line.substring(7).strip();
                }
            }
            assertThat(expect).as("%s has an expect: line", f).isNotNull();
            assertThat(replay).as("%s has a replay: line", f).isNotNull();
            if (expect.equals("pass")) {
                Machines.assertPasses(replay);
            } else {
                assertThat(expect).startsWith("fail ");
                assertThat(Machines.assertFails(replay).rule()).isEqualTo(expect.substring(5).strip());
            }
        }));
    }
}
