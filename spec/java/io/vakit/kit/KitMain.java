package io.vakit.kit;

import io.vakit.spec.engine.Machines;
import io.vakit.spec.engine.Run;
import io.vakit.spec.engine.Settings;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.ProviderSource;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;


/**
 * The main job: runs the allocator contract against implementations and prints the result table.
 *
 * <pre>
 * KitMain                          every implementation on the class path
 * KitMain glibc ...                the named design ids
 * KitMain /path/liballoc.so        a native library (as -Dvakit.native; symbols from -Dvakit.native.symbols)
 * KitMain /path/impl.jar my.Provider   another Java implementation (as -Dvakit.classpath and -Dvakit.impl)
 * KitMain replay STRING            replays one chain exactly
 * KitMain demo ID                  uses design ID as a SegmentAllocator ({@link SegmentAllocatorDemo})
 * </pre>
 * Tries, chain length and seed come from {@code -Dvakit.tries}, {@code -Dvakit.length}, {@code -Dvakit.seed}.
 * The table is also written as {@code target/vakit-report/report.md} and {@code report.json}
 * ({@code -Dvakit.report.dir}).
 * Ends with one summary line; exits 1 when any implementation fails, 2 when the arguments cannot be used.
 */
public final class KitMain {
    private KitMain() {}

    /** Runs the kit; see the class comment for the arguments. */
    public static void main(String[] args) {
        List<String> words = new ArrayList<>();
        for (String a : args) {
            words.addAll(Arrays.stream(a.trim().split("\\s+")).filter(w -> !w.isEmpty()).toList());
        }
        PrintStream out = System.out;
        try {
            if (!words.isEmpty() && words.get(0).equals("replay")) {
                String replay = String.join(" ", words.subList(1, words.size()));
                Run<?, ?> run = Machines.replay(replay);
                out.println(run.passed() ? "replay passed: " + run.applied().size() + " actions"
                        : "replay FAILED after " + run.applied().size() + " actions: " + run.violation().getMessage());
                System.exit(run.passed() ? 0 : 1);
            }
            if (words.size() == 2 && words.get(0).equals("demo")) {
                List<AllocatorProvider> providers = providers(words.subList(1, 2), out);
                if (!providers.isEmpty()) {
                    SegmentAllocatorDemo.run(providers.getFirst(), out);
                }
                System.exit(providers.isEmpty() ? USAGE : 0);
            }
            if (!words.isEmpty() && words.get(0).equals("speed")) {
                List<AllocatorProvider> providers = providers(resolve(words.subList(1, words.size())), out);
                providers.forEach(p -> IsolationSpeed.measure(p, Settings.fromSystemProperties(), out));
                System.exit(providers.isEmpty() ? 1 : 0);
            }
            java.time.Duration campaign = Campaign.length();
            if (campaign != null) {
                List<AllocatorProvider> providers = providers(resolve(words), out);
                System.exit(!providers.isEmpty() && Campaign.run(providers, campaign, Campaign.settings(), out) ? 0 : 1);
            }
            System.exit(runContract(resolve(words), Settings.fromSystemProperties(), out) ? 0 : 1);
        } catch (IllegalArgumentException e) { // a name, path, symbol or setting that cannot be used: said in one line
            out.println("vakit: " + e.getMessage());
            System.exit(USAGE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        }
    }

    /** The providers {@code ids} name (all when empty); none, said on {@code out}, when one is missing. */
    static List<AllocatorProvider> providers(List<String> ids, PrintStream out) {
        List<AllocatorProvider> providers = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        if (ids.isEmpty()) {
            providers.addAll(ProviderSource.all());
        }
        for (String id : ids) { // by id alone: no other implementation is loaded
            io.vakit.spec.contract.ContractMachines.provider(id).ifPresentOrElse(providers::add, () -> missing.add(id));
        }
        if (!missing.isEmpty() || providers.isEmpty()) {
            out.println("vakit: no implementation with id " + missing + " on the class path");
            return List.of();
        }
        return providers;
    }

    /** The exit status of a run that could not start: a bad name, path, symbol or setting. */
    static final int USAGE = 2;

    /**
     * Turns paths and class names into the properties the provider sources read, and returns the ids to run:
     * a {@code .so} becomes {@code vakit.native}, a {@code .jar} {@code vakit.classpath}, a class name
     * {@code vakit.impl}; their providers are then selected by id.
     */
    static List<String> resolve(List<String> words) {
        List<String> ids = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        String nativeLibrary = null;
        String classpath = null;
        for (String w : words) {
            if (w.endsWith(".so") || w.contains(".so.")) {
                nativeLibrary = w;
            } else if (w.endsWith(".jar")) {
                classpath = w;
            } else if (w.matches("([a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*")) {
                classes.add(w);
            } else {
                ids.add(w);
            }
        }
        if (nativeLibrary == null && classes.isEmpty()) {
            return ids;
        }
        if (nativeLibrary != null) {
            System.setProperty("vakit.native", nativeLibrary);
        }
        if (classpath != null) {
            System.setProperty("vakit.classpath", classpath);
        }
        if (!classes.isEmpty()) {
            System.setProperty("vakit.impl", String.join(",", classes));
        }
        if (ids.isEmpty()) { // the implementations the paths and classes name, and no other is loaded
            for (ProviderSource source : java.util.ServiceLoader.load(ProviderSource.class)) {
                source.named().forEach(p -> ids.add(p.id()));
            }
        }
        return ids;
    }

    /** Runs the contract against the named designs (all when {@code ids} is empty); true when all pass. */
    public static boolean runContract(List<String> ids, Settings settings, PrintStream out) {
        List<AllocatorProvider> providers = providers(ids, out);
        if (providers.isEmpty()) {
            return false;
        }
        out.printf("vakit contract: %d chains of up to %d actions per design, seed %d%n%n", settings.tries(),
                settings.length(), settings.seed());
        out.printf("%-12s %-4s %-26s %-9s %8s  %s%n", "design", "rule", "clause", "result", "checks", "note");
        List<ContractReport> reports = new ArrayList<>();
        for (AllocatorProvider p : providers) {
            out.println("running " + p.id() + " ...");
            ContractReport report = ContractReport.run(p, settings);
            reports.add(report);
            out.print(report.table());
            out.flush();
        }
        out.println();
        boolean all = true;
        for (ContractReport r : reports) {
            out.println(r.summary());
            providers.stream().filter(p -> p.id().equals(r.design())).findFirst().ifPresent(p -> p.descriptor()
                    .deviations().forEach(d -> out.println("  declared deviation: " + d)));
            if (!r.verdict().passed()) {
                out.println(r.verdict().describe());
            }
            all &= r.passed();
        }
        String where;
        try {
            var files = ReportFiles.write(reports, java.nio.file.Path.of(System.getProperty("vakit.report.dir",
                    "target/vakit-report")));
            where = "report: " + files.getFirst() + " and " + files.getLast().getFileName();
        } catch (java.io.IOException e) {
            where = "the reports could not be written: " + e;
        }
        out.println(summary(reports, where));
        return all;
    }

    /**
     * The run's last line: how many implementations passed and which failed, and where the report is. A script tells
     * PASS from FAIL by the exit status (0 or 1).
     */
    static String summary(List<ContractReport> reports, String where) {
        List<String> failed = reports.stream().filter(r -> !r.passed()).map(ContractReport::design).toList();
        return "vakit: " + (reports.size() - failed.size()) + " passed, " + failed.size() + " failed"
                + (failed.isEmpty() ? "" : " (" + String.join(", ", failed) + ")") + "; " + where;
    }
}
