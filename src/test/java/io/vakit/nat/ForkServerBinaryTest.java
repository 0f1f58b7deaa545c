package io.vakit.nat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fork server is built from its shipped source by the system's C compiler, and says why when it cannot be. */
class ForkServerBinaryTest {
    @Test
    void theSourceBuildsWithTheSystemCompilerAndIsReused(@TempDir Path root) throws Exception {
        Object built = ForkServerBinary.compile("cc", root);
        assertThat(built).as("cc builds forkserver.c").isInstanceOf(Path.class);
        assertThat(Files.isExecutable((Path) built)).isTrue();
        long modified = Files.getLastModifiedTime((Path) built).toMillis();
        assertThat(ForkServerBinary.compile("/no/such/cc", root)).as("a build already there is reused").isEqualTo(built);
        assertThat(Files.getLastModifiedTime((Path) built).toMillis()).isEqualTo(modified);
    }

    @Test
    void withoutACompilerTheReasonIsGiven(@TempDir Path root) {
        Object built = ForkServerBinary.compile("/no/such/cc", root);
        assertThat(built).isInstanceOf(String.class);
        assertThat((String) built).startsWith("no C compiler (/no/such/cc");
    }

    @Test
    void aCompilerThatFailsIsReportedWithWhatItSaid(@TempDir Path root) throws Exception {
        Path fake = root.resolve("cc");
        Files.writeString(fake, "#!/bin/sh\necho 'fake-cc: no such target' >&2\nexit 4\n");
        assertThat(fake.toFile().setExecutable(true)).isTrue();
        Object built = ForkServerBinary.compile(fake.toString(), root.resolve("cache"));
        assertThat((String) built).contains("could not build the fork server (exit 4)").contains("fake-cc: no such target");
    }
}
