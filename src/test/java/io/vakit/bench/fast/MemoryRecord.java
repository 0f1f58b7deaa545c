package io.vakit.bench.fast;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Committed bytes over live bytes after a workload, one line per trial appended to {@code target/jmh-memory.tsv}
 * (JMH's forks run in the project's folder): workload, subject, size, the ratio.
 */
final class MemoryRecord {
    static final Path FILE = Path.of(System.getProperty("vakit.bench.memory", "target/jmh-memory.tsv"));

    private MemoryRecord() {}

    static void record(String workload, String subject, long size, double committedOverLive) {
        if (Double.isNaN(committedOverLive)) {
            return;
        }
        String line = workload + "\t" + subject + "\t" + size + "\t" + committedOverLive + "\n";
        try {
            Files.createDirectories(FILE.toAbsolutePath().getParent());
            Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
