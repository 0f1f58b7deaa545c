package io.vakit.kit.lincheck;

import io.vakit.kit.PropertyProviderSource;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Feature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lincheck, both modes, on the provider {@code -Dvakit.impl} names, in a JVM of its own whose class path holds the
 * provider's jar ({@link #command}): Lincheck's model checking loads the classes it meets by name through the
 * application class loader, so a provider's classes must be there, not in a child loader. Runs stress mode and model
 * checking from the refill edges, and from exhaustion where a small configuration is declared; prints one line per
 * check ({@code lincheck: <mode> <edges>: PASS}, or the {@link LincheckVerdict} headline and Lincheck's report), and
 * exits 0 when all pass, 1 when Lincheck rejected the implementation, 3 when the harness failed (no verdict).
 */
public final class LincheckMain {
    /** Exit status: Lincheck rejected the implementation. */
    public static final int REJECTED = 1;
    /** Exit status: the harness failed; no verdict on the implementation. */
    public static final int HARNESS = 3;

    private LincheckMain() {}

    /** Lincheck's test class: the provider {@code vakit.impl} names, at the refill edges. */
    public static class AtRefill extends AllocatorLincheck {
        /** Lincheck's constructor. */
        public AtRefill() {
            super(provider());
        }
    }

    /** The same, from exhaustion. */
    public static class AtExhaustion extends AllocatorLincheck {
        /** Lincheck's constructor. */
        public AtExhaustion() {
            super(provider(), Edges.EXHAUSTION);
        }
    }

    /** Lincheck's test class for rule T2: close racing every call. */
    public static class CloseRaces extends CloseRaceLincheck {
        /** Lincheck's constructor. */
        public CloseRaces() {
            super(provider());
        }
    }

    /** Lincheck's test class for rules T3 and T4: frees raced, and queries racing frees. */
    public static class FreeRaces extends FreeRaceLincheck {
        /** Lincheck's constructor. */
        public FreeRaces() {
            super(provider());
        }
    }

    static AllocatorProvider provider() {
        return PropertyProviderSource.namedNow().stream().findFirst().orElseThrow(() -> new IllegalStateException(
                "LincheckMain needs -Dvakit.impl=<AllocatorProvider class>"));
    }

    /**
     * Runs the checks; see the class comment. {@code args}: {@code stress}, {@code model} (linearizability at the
     * edges), {@code races} (rules T2 to T4, model checking and stress), or all three (default).
     */
    public static void main(String[] args) {
        List<String> modes = args.length == 0 ? List.of("stress", "model", "races") : List.of(args);
        AllocatorProvider p = provider();
        if (!p.descriptor().has(Feature.THREAD_SAFE)) {
            System.out.println("lincheck: skipped: " + p.id() + " does not declare THREAD_SAFE");
            System.exit(0);
        }
        int status = 0;
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        for (AllocatorLincheck.Edges edges : AllocatorLincheck.Edges.values()) {
            if (edges == AllocatorLincheck.Edges.EXHAUSTION && !p.descriptor().has(Feature.SMALL_CONFIGURATION)) {
                System.out.println("lincheck: exhaustion: skipped: " + p.id() + " declares no small configuration");
                continue;
            }
            Class<? extends AllocatorLincheck> test = edges == AllocatorLincheck.Edges.REFILL ? AtRefill.class
                    : AtExhaustion.class;
            for (String mode : modes) {
                if (mode.equals("races")) {
                    continue;
                }
                var options = mode.equals("stress") ? AllocatorLincheck.stressOptions(edges).iterations(2 * scale)
                        : AllocatorLincheck.modelCheckingOptions(edges).iterations(2 * scale);
                String what = mode + " " + edges.name().toLowerCase(java.util.Locale.ROOT);
                try {
                    AllocatorLincheck.check(options, test);
                    System.out.println("lincheck: " + what + ": PASS");
                } catch (AllocatorLincheck.LincheckFailed e) {
                    System.out.println("lincheck: " + what + ": " + e.verdict().headline());
                    System.out.println(e.verdict().detail());
                    status = Math.max(status, e.verdict().implementations() ? REJECTED : HARNESS);
                }
            }
        }
        if (modes.contains("races")) {
            status = Math.max(status, races(scale));
        }
        System.out.flush();
        Runtime.getRuntime().halt(status);
    }

    /** Rules T2 to T4: both race tests, model checking then stress; the worst exit status. */
    static int races(int scale) {
        int status = 0;
        List<Object[]> checks = List.of(
                new Object[] {"races: close (T2), model checking", CloseRaceLincheck.modelCheckingOptions(scale),
                    CloseRaces.class},
                new Object[] {"races: frees and queries (T3, T4), model checking",
                    FreeRaceLincheck.modelCheckingOptions(scale), FreeRaces.class},
                new Object[] {"races: close (T2), stress", CloseRaceLincheck.stressOptions(scale), CloseRaces.class},
                new Object[] {"races: frees and queries (T3, T4), stress", FreeRaceLincheck.stressOptions(scale),
                    FreeRaces.class});
        for (Object[] c : checks) {
            System.out.println("lincheck: " + c[0] + ": running");
            System.out.flush();
            long start = System.nanoTime();
            try {
                AllocatorLincheck.check((org.jetbrains.lincheck.datastructures.Options<?, ?>) c[1], (Class<?>) c[2]);
                System.out.println("lincheck: " + c[0] + ": PASS (" + (System.nanoTime() - start) / 1_000_000 + " ms)");
            } catch (AllocatorLincheck.LincheckFailed e) {
                System.out.println("lincheck: " + c[0] + ": " + e.verdict().headline());
                System.out.println(e.verdict().detail());
                status = Math.max(status, e.verdict().implementations() ? REJECTED : HARNESS);
            }
        }
        return status;
    }

    /**
     * The command that runs this main on {@code provider} from {@code jar}: the test class path with the jar on it
     * (or, with {@code jarOnClassPath} false, the jar only in {@code vakit.classpath}, as a child loader sees it).
     */
    public static List<String> command(Path jar, String provider, boolean jarOnClassPath, String... modes)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+EnableDynamicAgentLoading",
                "--sun-misc-unsafe-memory-access=allow", "-Xshare:off", "-Xmx1g",
                "-Dvakit.impl=" + provider, "-Dvakit.classpath=" + jar,
                "-Dvakit.lincheck.scale=" + Integer.getInteger("vakit.lincheck.scale", 1), "-cp",
                System.getProperty("java.class.path") + (jarOnClassPath ? java.io.File.pathSeparator + jar : ""),
                LincheckMain.class.getName()));
        cmd.addAll(List.of(modes));
        return cmd;
    }
}
