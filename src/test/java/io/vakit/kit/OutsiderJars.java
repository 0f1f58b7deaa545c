package io.vakit.kit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds the implementations in {@code src/test/external} into a jar that is NOT on the test class path, as an
 * allocator author's jar is when named by {@code -Dvakit.classpath}.
 */
final class ExternalJar {
    private static final Path SOURCES = Path.of("src/test/external");
    private static final Path JAR = Path.of("target/external-impl/external-impl.jar");

    private ExternalJar() {}

    /** The jar, compiled against the test class path on first use. */
    static synchronized Path build() throws IOException {
        if (Files.exists(JAR)) {
            return JAR.toAbsolutePath();
        }
        // per process, renamed into place at the end: test JVMs running at once never read a half-written jar
        long pid = ProcessHandle.current().pid();
        Path classes = Files.createDirectories(JAR.getParent().resolve("classes-" + pid));
        List<String> sources;
        try (Stream<Path> s = Files.walk(SOURCES)) {
            sources = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), "--release", "25"));
        args.addAll(sources);
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("javac failed (" + rc + ") on " + sources);
        }
        Path tmp = JAR.resolveSibling("external-impl.jar." + pid + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream jar = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
        }
        Files.move(tmp, JAR, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return JAR.toAbsolutePath();
    }
}
