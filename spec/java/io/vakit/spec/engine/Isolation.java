package io.vakit.spec.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one chain of an {@linkplain StateMachine#isolated() isolated} machine in a fresh child JVM, a worker
 * ({@link ChainWorker}), and reads back what it ran: each action as it starts, the violation, the coverage. The system
 * and the model both live in the worker, so no state outlives a chain, and a replay in a fresh worker runs exactly
 * what the chain ran. A worker that dies (a signal, an abort, a hang) is a verdict of its own: rule
 * {@value #SURVIVES}, naming the signal, the action it died in and the tail of its stderr (where glibc, for one, says
 * why it aborted). Everything is reported in the parent, which parses the actions with the machine's own types.
 */
public final class Isolation {
    /** The rule a worker that dies breaks. */
    public static final String SURVIVES = "C0 survives";
    /** The system property that marks a worker. */
    static final String IN_WORKER = "vakit.inWorker";
    /** The protocol's fields are separated by tabs; a line ends a record. */
    static final char SEP = '\t';
    static final long TIMEOUT_SECONDS = Long.getLong("vakit.worker.timeout", 300);
    static final int TAIL = 1500;
    static final AtomicLong STARTED = new AtomicLong();
    static final AtomicLong NANOS = new AtomicLong();

    private Isolation() {}

    /** True in a worker: chains run here, not in yet another process. */
    public static boolean inWorker() {
        return Boolean.getBoolean(IN_WORKER);
    }

    /**
     * True when a replay of {@code machine} (a shrinking candidate, a replay line) must run in a fresh worker of its
     * own: an isolated machine, or a run-isolated one whose run worker died, outside a worker.
     */
    static boolean replaysInWorkers(StateMachine<?, ?> machine) {
        return (machine.isolated() || machine.runIsolated()) && !inWorker();
    }

    /** The workers this process has started. */
    public static long workersStarted() {
        return STARTED.get();
    }

    /** The wall-clock nanoseconds spent in workers, from start to exit. */
    public static long workerNanos() {
        return NANOS.get();
    }

    /** Generates and runs one chain in a fresh worker, which aims at what {@code coverage} lacks. */
    static <S, M> Run<S, M> generate(StateMachine<S, M> machine, long seed, int length, Set<String> avoid,
            Map<String, Long> coverage) {
        StringBuilder request = new StringBuilder();
        field(request, "machine", machine.name());
        field(request, "seed", Long.toString(seed));
        field(request, "length", Integer.toString(length));
        avoid.forEach(a -> field(request, "avoid", a));
        coverage.forEach((k, n) -> field(request, "coverage", k + SEP + n));
        return exchange(machine, request.append("go\n").toString());
    }

    /** Runs exactly {@code chain} in a fresh worker. */
    static <S, M> Run<S, M> replay(StateMachine<S, M> machine, List<Action<S, M>> chain) {
        StringBuilder request = new StringBuilder();
        field(request, "machine", machine.name());
        field(request, "replay", Replay.encode(machine.name(), chain));
        return exchange(machine, request.append("go\n").toString());
    }

    static void field(StringBuilder request, String name, String value) {
        request.append(name).append(SEP).append(escape(value)).append('\n');
    }

    private static <S, M> Run<S, M> exchange(StateMachine<S, M> machine, String request) {
        long started = System.nanoTime();
        Path err = null;
        try {
            err = Files.createTempFile("vakit-worker", ".stderr");
            Process p = new ProcessBuilder(command()).redirectError(err.toFile()).start();
            STARTED.incrementAndGet();
            AtomicBoolean killed = new AtomicBoolean();
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        killed.set(true);
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try (Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
                w.write(request);
            } catch (IOException e) {
                // the worker died before it read the request: its exit tells why
            }
            List<Action<S, M>> applied = new ArrayList<>();
            Map<String, Long> coverage = new TreeMap<>();
            Violation violation = null;
            boolean done = false;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    String[] f = line.split(String.valueOf(SEP), -1);
                    switch (f[0]) {
                        case "action" -> applied.add(Replay.action(machine, unescape(f[1])));
                        case "violation" -> violation = new Violation(unescape(f[1]), unescape(f[2]));
                        case "coverage" -> coverage.merge(unescape(f[1]), Long.parseLong(f[2]), Long::sum);
                        case "done" -> done = true;
                        default -> { } // not the protocol's
                    }
                }
            }
            int exit = p.waitFor();
            watchdog.interrupt();
            if (done) {
                coverage.merge(SURVIVES, (long) applied.size(), Long::sum);
            } else {
                violation = died(p.pid(), exit, killed.get(), applied, tail(err));
            }
            return new Run<>(List.copyOf(applied), violation, coverage);
        } catch (IOException e) {
            throw new UncheckedIOException("starting a worker for " + machine.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a worker ran " + machine.name(), e);
        } finally {
            NANOS.addAndGet(System.nanoTime() - started);
            if (err != null) {
                try {
                    Files.deleteIfExists(err);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }

    static Violation died(long pid, int exit, boolean killed, List<? extends Action<?, ?>> applied,
            String tail) {
        try {
            Files.deleteIfExists(Path.of(System.getProperty("java.io.tmpdir"), "vakit-hs_err_" + pid + ".log"));
        } catch (IOException ignored) {
            // the JVM's crash log left behind
        }
        String when = applied.isEmpty() ? "before its first action" : "during action " + applied.size() + ", "
                + applied.getLast();
        String how = killed ? "hung for more than " + TIMEOUT_SECONDS + " s and was killed"
                : "died by " + Signals.describe(exit, tail);
        String evidence = Signals.evidence(tail, TAIL);
        return new Violation(SURVIVES, "the worker " + how + " " + when + "; its stderr:\n"
                + (evidence.isEmpty() ? "(nothing)" : evidence));
    }

    static String tail(Path err) throws IOException {
        byte[] all = Files.readAllBytes(err);
        String s = new String(all, Math.max(0, all.length - 64 * 1024), Math.min(all.length, 64 * 1024),
                StandardCharsets.UTF_8);
        return s;
    }

    static List<String> command() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "vakit-hs_err_%p.log"),
                "-D" + IN_WORKER + "=true"));
        System.getProperties().stringPropertyNames().stream().sorted()
                .filter(k -> k.startsWith("vakit.") && !k.equals(IN_WORKER))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(ChainWorker.class.getName());
        return cmd;
    }

    /**
     * A worker's class path: this JVM's, and the jars and folders of {@code vakit.classpath} (an implementation from
     * outside), so that the worker loads them with its own application class loader.
     */
    static String classPath() {
        String own = System.getProperty("java.class.path");
        String extra = System.getProperty("vakit.classpath", "").strip();
        return extra.isEmpty() ? own : own + java.io.File.pathSeparator + extra;
    }

    /** A protocol field: backslash, tab and line breaks escaped. */
    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    /** The inverse of {@link #escape}. */
    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
