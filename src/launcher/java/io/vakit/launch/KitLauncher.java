package io.vakit.launch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The main job's launcher, run by {@code mvn -q compile exec:java@kit} inside Maven's own JVM, which may be older than
 * the kit's Java (it is compiled for Java 11). It starts the kit ({@code io.vakit.kit.KitMain}) on a JDK 25 or newer
 * with the compiled classes, the {@code vakit.*} properties and the arguments, lets it print to the terminal, and
 * ends Maven with the kit's own exit status: 0 when every implementation passed, 1 when one failed, 2 when the
 * arguments could not be used. So a FAIL is the kit's answer, its summary line the last one printed, and a script
 * tells the verdicts apart by the status, where {@code exec:exec} would add Maven's stack trace of a failed command.
 */
public final class KitLauncher {
    private static final int MIN_JAVA = 25;

    private KitLauncher() {}

    /** Runs the kit with {@code args}; see the class comment. */
    public static void main(String[] args) throws IOException, InterruptedException {
        Path java = findJava();
        if (java == null) {
            System.out.println("vakit: no JDK " + MIN_JAVA + " or newer found (JAVA_HOME, JDK_HOME, /usr/lib/jvm, "
                    + "/usr/java, /opt, ~/.sdkman, ~/.jdks)");
            System.exit(2);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("vakit.") && !System.getProperty(name).isEmpty()) {
                cmd.add("-D" + name + "=" + System.getProperty(name));
            }
        }
        cmd.add("-cp");
        cmd.add(classes());
        cmd.add("io.vakit.kit.KitMain");
        for (String a : args) {
            if (a != null && !a.isBlank()) { // exec:java passes an empty argument list entry as null
                cmd.add(a);
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        // jemalloc is built with initial-exec TLS: loaded late, it needs static TLS room (spec/native.md)
        pb.environment().putIfAbsent("GLIBC_TUNABLES", "glibc.rtld.optional_static_tls=16384");
        System.exit(pb.start().waitFor());
    }

    /** The folder (or jar) this class was loaded from: the project's compiled classes, all the kit needs. */
    private static String classes() {
        try {
            return Paths.get(KitLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The java of this JVM when it is new enough, else of the newest JDK found where JDKs are usually installed. */
    static Path findJava() {
        if (feature(System.getProperty("java.version")) >= MIN_JAVA) {
            return Paths.get(System.getProperty("java.home"), "bin", "java");
        }
        List<Path> homes = new ArrayList<>();
        for (String env : new String[] {"JAVA_HOME", "JDK_HOME"}) {
            if (System.getenv(env) != null) {
                homes.add(Paths.get(System.getenv(env)));
            }
        }
        String user = System.getProperty("user.home");
        for (String root : new String[] {"/usr/lib/jvm", "/usr/java", "/opt", "/opt/java",
            user + "/.sdkman/candidates/java", user + "/.jdks"}) {
            File[] kids = new File(root).listFiles();
            if (kids != null) {
                for (File k : kids) {
                    homes.add(k.toPath());
                }
            }
        }
        Path best = null;
        int bestVersion = 0;
        for (Path home : homes) {
            int v = releaseVersion(home);
            Path java = home.resolve("bin").resolve("java");
            if (v >= MIN_JAVA && v > bestVersion && Files.isExecutable(java)) {
                best = java;
                bestVersion = v;
            }
        }
        return best;
    }

    /** The feature version a JDK's {@code release} file gives, or 0. */
    private static int releaseVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(release)) {
            p.load(in);
        } catch (IOException e) {
            return 0;
        }
        return feature(p.getProperty("JAVA_VERSION", "0").replace("\"", ""));
    }

    /** The feature version of a version string: {@code 25} of {@code 25.0.3}, {@code 8} of {@code 1.8.0}. */
    private static int feature(String version) {
        String v = version.startsWith("1.") ? version.substring(2) : version;
        try (Stream<String> parts = Stream.of(v.split("[.+-]"))) {
            return Integer.parseInt(parts.findFirst().orElse("0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
