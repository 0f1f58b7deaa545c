package io.vakit.kit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Prints where {@code mvn verify}'s time went, as its last step: each surefire JVM (a folder of
 * {@code target/surefire-reports}: its test classes' time, summed), the invoker's projects, and JCStress (its wall time,
 * which {@code StressMain} writes). Maven prints the total after it.
 */
public final class VerifyTimes {
    private static final Pattern SUITE = Pattern.compile("<testsuite [^>]*?time=\"([0-9.,]+)\"[^>]*?tests=\"(\\d+)\"");
    private static final Pattern BUILD = Pattern.compile("<build-job [^>]*?project=\"([^\"]*)\"[^>]*?time=\"([0-9.,]+)\"");

    private VerifyTimes() {}

    /** {@code args[0]}: the build directory ({@code target}). */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args.length > 0 ? args[0] : "target");
        System.out.print(table(target));
    }

    /** The table of phases and their seconds. */
    static String table(Path target) throws IOException {
        StringBuilder s = new StringBuilder("vakit: time per phase of verify\n");
        double total = 0;
        Map<String, double[]> jvms = new TreeMap<>();
        Path reports = target.resolve("surefire-reports");
        if (Files.isDirectory(reports)) {
            try (Stream<Path> all = Files.walk(reports)) {
                for (Path p : all.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).toList()) {
                    Matcher m = SUITE.matcher(Files.readString(p));
                    if (m.find()) {
                        String jvm = reports.relativize(p.getParent()).toString();
                        double[] t = jvms.computeIfAbsent(jvm.isEmpty() ? "tests" : jvm, k -> new double[3]);
                        t[0] += Double.parseDouble(m.group(1).replace(",", ""));
                        t[1] += Integer.parseInt(m.group(2));
                        t[2]++;
                    }
                }
            }
        }
        for (var e : jvms.entrySet()) {
            s.append(String.format("  surefire %-20s %7.1f s  (%d classes, %d tests)%n", e.getKey(), e.getValue()[0],
                    (int) e.getValue()[2], (int) e.getValue()[1]));
            total += e.getValue()[0];
        }
        Path invoker = target.resolve("invoker-reports");
        if (Files.isDirectory(invoker)) {
            try (Stream<Path> all = Files.list(invoker)) {
                for (Path p : all.filter(f -> f.getFileName().toString().startsWith("BUILD-")).sorted().toList()) {
                    Matcher m = BUILD.matcher(Files.readString(p));
                    if (m.find()) {
                        double t = Double.parseDouble(m.group(2).replace(",", ""));
                        s.append(String.format("  invoker  %-20s %7.1f s%n", m.group(1), t));
                        total += t;
                    }
                }
            }
        }
        Path jcstress = target.resolve("jcstress-results").resolve("vakit-elapsed.txt");
        if (Files.isRegularFile(jcstress)) {
            List<String> f = List.of(Files.readString(jcstress).strip().split(" "));
            double t = Double.parseDouble(f.get(0));
            s.append(String.format("  jcstress %-20s %7.1f s%n", f.size() > 1 ? f.get(1) + " runs" : "", t));
            total += t;
        }
        return s.append(String.format("  %-29s %7.1f s  (the rest is Maven: compiling, packaging, installing)%n",
                "sum", total)).toString();
    }
}
