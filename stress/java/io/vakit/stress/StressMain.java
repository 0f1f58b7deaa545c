package io.vakit.stress;

import io.vakit.kit.PropertyProviderSource;
import io.vakit.nat.NativeProviderSource;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Feature;
import io.vakit.spi.ProviderSource;
import io.vakit.stress.edges.DoubleFreeRace;
import io.vakit.stress.edges.QueryRace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.annotations.Actor;

/**
 * Runs JCStress: the tests of the design internals and of each design once, and the edge races
 * ({@code io.vakit.stress.edges}) once per implementation, each run with {@code -Dvakit.stress.impl=<id>} in its
 * forked JVMs. The implementations are {@code -Dvakit.stress.impl} (a comma-separated list of ids) when given, else
 * the bundled ones (the providers vakit itself registers) and any named by {@code -Dvakit.impl} or
 * {@code -Dvakit.native}. An implementation that does not declare {@code THREAD_SAFE} is skipped, and so is the
 * double-free race for one that does not detect invalid frees itself, and any test with more actors than the machine
 * has CPUs (JCStress would leave it out silently); each skip prints its reason.
 *
 * <p>Fails when the filter matched no test (plain JCStress prints "No matching tests" and exits 0, which would let a
 * build pass with nothing run) and when any run saw a forbidden outcome.
 */
public final class StressMain {
    private static final String EDGES = "io.vakit.stress.edges.";
    private static final String CHILD = "vakit.stress.child";

    private StressMain() {}

    /** Takes JCStress's own options. */
    public static void main(String[] args) throws Exception {
        if (Boolean.getBoolean(CHILD)) {
            runHere(args);
        }
        Options all = parse(args);
        SortedSet<String> tests = new TreeSet<>(new JCStress(all).getTests());
        tests.removeIf(t -> {
            String skip = tooManyActors(t);
            if (skip != null) {
                System.out.println("vakit: skipped " + t + ": " + skip);
            }
            return skip != null;
        });
        if (tests.isEmpty()) {
            System.err.println("vakit: JCStress filter '" + all.getTestFilter() + "' matched no test that runs here;"
                    + " failing");
            System.exit(1);
        }
        List<String> own = tests.stream().filter(t -> !t.startsWith(EDGES)).toList();
        List<String> edges = tests.stream().filter(t -> t.startsWith(EDGES) && isOriginal(t)).toList();
        // one JCStress run: the tests of the internals, and the edge races of each bundled design through the copies
        // generated in its package (DesignEdgeTests); an implementation without copies gets a run of its own, with
        // -Dvakit.stress.impl in its forks
        Map<String, List<String>> separate = new LinkedHashMap<>();
        List<String> one = new ArrayList<>(own);
        Map<String, Integer> perDesign = new LinkedHashMap<>();
        if (!edges.isEmpty()) {
            for (AllocatorProvider p : targets()) {
                String pkg = EDGES + p.id().replace('-', '_') + ".";
                List<String> copies = tests.stream().filter(t -> t.startsWith(pkg) && t.indexOf('.', pkg.length()) < 0)
                        .toList();
                List<String> applicable = new ArrayList<>();
                for (String t : copies.isEmpty() ? edges : copies) {
                    String skip = skipReason(p, EDGES + t.substring(t.lastIndexOf('.') + 1));
                    if (skip == null) {
                        applicable.add(t);
                    } else {
                        System.out.println("vakit: skipped " + t + " on " + p.id() + ": " + skip);
                    }
                }
                if (applicable.isEmpty()) {
                    continue;
                }
                if (copies.isEmpty()) {
                    separate.put(p.id(), applicable);
                } else {
                    one.addAll(applicable);
                    perDesign.put(p.id(), applicable.size());
                }
            }
        }
        Map<String, List<String>> runs = new LinkedHashMap<>();
        if (!one.isEmpty()) {
            System.out.println("vakit: one JCStress run: " + own.size() + " tests of the internals, and edge races per"
                    + " design " + perDesign);
            runs.put("", one);
        }
        runs.putAll(separate);
        boolean failed = false;
        long started = System.nanoTime();
        for (Map.Entry<String, List<String>> run : runs.entrySet()) {
            String impl = run.getKey();
            System.out.println("vakit: running " + run.getValue().size() + " JCStress tests"
                    + (impl.isEmpty() ? "" : " against " + impl) + ": " + run.getValue());
            boolean races = run.getValue().stream().anyMatch(t -> t.startsWith(EDGES));
            failed |= runInChild(forRun(args, run.getValue(), impl, races), impl) != 0;
        }
        java.nio.file.Path results = Path.of(all.getResultDest());
        java.nio.file.Files.createDirectories(results);
        java.nio.file.Files.writeString(results.resolve("vakit-elapsed.txt"), String.format("%.1f %d%n",
                (System.nanoTime() - started) / 1e9, runs.size()));
        System.exit(failed ? 1 : 0);
    }

    /**
     * One JCStress run, in a JVM of its own: JCStress keeps its results in static state, so a second run in one
     * process would report the first one's failures again.
     */
    private static int runInChild(String[] args, String impl) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-D" + CHILD + "=true"));
        for (String p : List.of("vakit.impl", "vakit.classpath", "vakit.native", "vakit.native.symbols",
                "vakit.native.id", "vakit.native.threadSafe", "vakit.native.alignment")) {
            cmd.add("-D" + p + "=" + System.getProperty(p, ""));
        }
        cmd.add("-Dvakit.stress.impl=" + impl);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StressMain.class.getName()));
        cmd.addAll(Arrays.asList(args));
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }

    /**
     * The child's one run: JCStress's exit status, 1 when any test failed. Each failed test is named with what failed:
     * a forbidden outcome (the race the test forbids was seen), an error of the test (an exception thrown in an actor
     * or in the state's set-up: a valid call into the implementation threw), a timeout, or the JVM's death.
     */
    private static void runHere(String[] args) throws Exception {
        try {
            new JCStress(parse(args)).run();
        } catch (AssertionError e) {
            String impl = System.getProperty("vakit.stress.impl", "");
            for (String line : String.valueOf(e.getMessage()).lines().skip(1).filter(l -> !l.isBlank()).toList()) {
                System.err.println("vakit: JCStress " + failure(line) + (impl.isEmpty() ? "" : " on " + impl) + ": "
                        + line.strip());
            }
            System.exit(1);
        }
        System.exit(0);
    }

    /**
     * What one line of JCStress's failure list says failed: {@code forbidden outcome}, {@code error of the test},
     * {@code timeout} or {@code VM error}.
     */
    static String failure(String line) {
        if (line.endsWith("had failed with the test error.") || line.endsWith("had failed with the pre-test error.")) {
            return "error of the test (an exception thrown in an actor or the state, not a forbidden outcome)";
        }
        if (line.endsWith("had timed out.")) {
            return "timeout";
        }
        if (line.endsWith("had failed with the VM error.")) {
            return "VM error (the test's JVM died)";
        }
        return "forbidden outcome";
    }

    private static Options parse(String[] args) throws Exception {
        Options options = new Options(args);
        if (!options.parse()) {
            System.exit(2);
        }
        return options;
    }

    /**
     * The implementations the edge races run against: {@code -Dvakit.stress.impl} when given, else the bundled
     * providers (registered by vakit outside its test tree) and the ones named by {@code -Dvakit.impl} or
     * {@code -Dvakit.native}.
     */
    static List<AllocatorProvider> targets() {
        String named = System.getProperty("vakit.stress.impl", "").trim();
        List<AllocatorProvider> out = new ArrayList<>();
        if (!named.isEmpty()) {
            List<AllocatorProvider> found = ProviderSource.all();
            for (String id : named.split(",")) {
                out.add(found.stream().filter(p -> p.id().equals(id.trim())).findFirst().orElseThrow(
                        () -> new IllegalArgumentException("-Dvakit.stress.impl: no implementation '" + id + "'")));
            }
            return out;
        }
        ServiceLoader.load(AllocatorProvider.class).stream()
                .filter(p -> !p.type().getName().startsWith("io.vakit.kit."))
                .forEach(p -> out.add(p.get()));
        out.addAll(PropertyProviderSource.namedNow());
        out.addAll(NativeProviderSource.namedLibrary());
        return out;
    }

    /**
     * Why JCStress cannot run {@code test} here, or null: a test with more actors than the machine has CPUs is left
     * out of the run by JCStress itself, without a word; this says so.
     */
    static String tooManyActors(String test) {
        int cpus = Runtime.getRuntime().availableProcessors();
        try {
            long actors = Arrays.stream(Class.forName(test).getDeclaredMethods())
                    .filter(m -> m.isAnnotationPresent(Actor.class)).count();
            return actors > cpus ? "it has " + actors + " actors and this machine " + cpus + " CPUs" : null;
        } catch (ClassNotFoundException e) {
            return null; // JCStress lists it, so JCStress finds it: let it report
        }
    }

    /** Why test {@code test} does not apply to {@code p}, or null when it does. */
    static String skipReason(AllocatorProvider p, String test) {
        if (!p.descriptor().has(Feature.THREAD_SAFE)) {
            return "it does not declare THREAD_SAFE: no concurrent check applies";
        }
        if (test.equals(QueryRace.class.getName()) && !p.descriptor().has(Feature.OWNER_LOOKUP)
                && !p.descriptor().has(Feature.PLACEMENT) && !p.descriptor().has(Feature.CONTAINMENT)) {
            return "it declares none of OWNER_LOOKUP, PLACEMENT and CONTAINMENT";
        }
        if (test.equals(DoubleFreeRace.class.getName())) {
            if (!p.descriptor().has(Feature.INVALID_FREE_DETECTION)) {
                return "it does not declare INVALID_FREE_DETECTION";
            }
            if (p.bindingDecides().isPresent()) {
                return "its binding, not the implementation, refuses a double free (" + p.bindingDecides().get() + ")";
            }
        }
        return null;
    }

    /**
     * The arguments of one run: the filter matches exactly {@code tests}, the forked JVMs get
     * {@code -Dvakit.stress.impl=<impl>}, and the results go to a folder of the implementation's own. The edge races
     * run with a stride of one state (unless the arguments set one): both threads then start each state together,
     * as the race needs, where JCStress's default strides let them drift apart over states that each take
     * microseconds to set up.
     */
    static String[] forRun(String[] args, List<String> tests, String impl, boolean races) {
        List<String> out = new ArrayList<>(Arrays.asList(args));
        String filter = "^(" + String.join("|", tests.stream().map(Pattern::quote).toList()) + ")$";
        set(out, "-t", filter);
        if (races && !out.contains("-strideSize")) {
            out.addAll(List.of("-strideSize", "1", "-strideCount", "16"));
        }
        if (!impl.isEmpty()) {
            int jvm = Math.max(out.indexOf("-jvmArgs"), out.indexOf("-jvmArgsPrepend"));
            String flag = "-Dvakit.stress.impl=" + impl;
            if (jvm < 0) {
                out.add("-jvmArgsPrepend");
                out.add(flag);
            } else {
                out.set(jvm + 1, out.get(jvm + 1).replaceAll("-Dvakit\\.stress\\.impl=\\S*", "") + " " + flag);
            }
            int r = out.indexOf("-r");
            if (r >= 0) {
                out.set(r + 1, out.get(r + 1) + "/" + impl.replaceAll("[^A-Za-z0-9._-]", "_"));
            }
        }
        return out.toArray(String[]::new);
    }

    /** True for an edge race as written ({@code io.vakit.stress.edges.X}), not a design's generated copy. */
    static boolean isOriginal(String test) {
        return test.indexOf('.', EDGES.length()) < 0;
    }

    private static void set(List<String> args, String option, String value) {
        int i = args.indexOf(option);
        if (i >= 0) {
            args.set(i + 1, value);
        } else {
            args.add(option);
            args.add(value);
        }
    }
}
