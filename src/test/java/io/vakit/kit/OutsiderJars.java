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
 * Builds the outsider corpus ({@code src/test/outsiders/<name>}): allocators written against the SPI alone, as other
 * authors would write them, each compiled into a jar of its own that is NOT on the test class path, as an author's
 * jar is when named by {@code -Dvakit.classpath} or by its path in the main job.
 */
public final class OutsiderJars {
    private static final Path SOURCES = Path.of("src/test/outsiders");
    private static final Path OUT = Path.of("target/outsiders");

    /**
     * An outsider: its folder, its correct provider, its provider with one planted bug, and the rule that names that
     * bug.
     */
    public record Outsider(String name, String provider, String planted, String rule) {
        /** Its jar, built on first use. */
        public Path jar() throws IOException {
            return build(name);
        }
    }

    /** The corpus. */
    public static final List<Outsider> CORPUS = List.of(
            new Outsider("tlsf", "com.example.tlsf.TlsfProvider", "com.example.tlsf.LeakyGrowTlsfProvider", "C2"),
            new Outsider("buddy", "com.example.buddy.BuddyProvider", "com.example.buddy.AddingBuddyProvider", "C3"),
            new Outsider("mapper", "com.example.mapper.MapperProvider",
                    "com.example.mapper.PageZeroingMapperProvider", "C0"),
            new Outsider("slabs", "com.example.slabs.SlabsProvider", "com.example.slabs.SlotIndexSlabsProvider", "M1"));

    /** Every jar of the corpus, built, as one class path. */
    public static String classPath() throws IOException {
        List<String> jars = new ArrayList<>();
        for (Outsider o : CORPUS) {
            jars.add(o.jar().toString());
        }
        return String.join(java.io.File.pathSeparator, jars);
    }

    private OutsiderJars() {}

    /** The outsider called {@code name}. */
    public static Outsider named(String name) {
        return CORPUS.stream().filter(o -> o.name().equals(name)).findFirst().orElseThrow();
    }

    /** The jar of outsider {@code name}, compiled against the test class path on first use. */
    public static synchronized Path build(String name) throws IOException {
        Path jar = OUT.resolve(name + ".jar");
        if (Files.exists(jar)) {
            return jar.toAbsolutePath();
        }
        // per process, renamed into place at the end: test JVMs running at once never read a half-written jar
        long pid = ProcessHandle.current().pid();
        Path classes = Files.createDirectories(OUT.resolve(name + "-classes-" + pid));
        List<String> sources;
        try (Stream<Path> s = Files.walk(SOURCES.resolve(name))) {
            sources = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-cp",
                System.getProperty("java.class.path"), "--release", "25", "-Xlint:all,-serial,-restricted"));
        args.addAll(sources);
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("javac failed (" + rc + ") on " + sources);
        }
        Path tmp = OUT.resolve(name + ".jar." + pid + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream j = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
        Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return jar.toAbsolutePath();
    }
}
