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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the chains of a {@linkplain StateMachine#runIsolated() run-isolated} machine (a Java implementation from
 * outside) one after another in one child JVM, a run worker ({@link ChainWorker} in run mode), exactly as the engine
 * runs them in process: the same seeds, the same aiming at what the run has not covered, each failing rule shrunk in
 * the worker. The worker announces each chain and each action before it runs, then the chain's coverage and violation,
 * and each shrunk failure; this process keeps the run's tally from those lines.
 *
 * <p>When the worker dies (a signal, an abort, a hang past {@code vakit.worker.timeout} seconds in one chain), the
 * chain it was running is known, and so is its last action: that chain, or the shrinking candidate it was running,
 * fails rule {@link Isolation#SURVIVES}. It is replayed alone in a fresh worker ({@link Isolation}) and, when it dies
 * there too, shrunk there, each candidate in a fresh worker, so its replay line is exact. A chain that dies only
 * after the chains before it ran in the same process is reported as such, unshrunk. Then a new run worker goes on
 * with the next chain, with the tally so far. A run that never crashes costs one JVM start more than in process.
 */
final class RunIsolation {
    private RunIsolation() {}

    /** Checks {@code machine} with {@code settings}, its chains in run workers. */
    static <S, M> Verdict check(StateMachine<S, M> machine, Settings settings) {
        long started = System.nanoTime();
        Engine.Tally<S, M> tally = new Engine.Tally<>(machine);
        int from = 0;
        while (from < settings.tries()) {
            from = new Session<>(machine, settings, from, tally).run();
        }
        return new Verdict(machine.name(), settings, settings.tries(), tally.actions,
                Duration.ofNanos(System.nanoTime() - started), tally.coverage, List.copyOf(tally.failures));
    }

    /** The request that starts a run worker at chain {@code from}, with the tally so far. */
    static String request(StateMachine<?, ?> machine, Settings settings, int from, Engine.Tally<?, ?> tally) {
        StringBuilder request = new StringBuilder();
        Isolation.field(request, "machine", machine.name());
        Isolation.field(request, "mode", "run");
        Isolation.field(request, "seed", Long.toString(settings.seed()));
        Isolation.field(request, "tries", Integer.toString(settings.tries()));
        Isolation.field(request, "length", Integer.toString(settings.length()));
        Isolation.field(request, "from", Integer.toString(from));
        tally.avoid.forEach(a -> Isolation.field(request, "avoid", a));
        tally.failedRules.forEach(r -> Isolation.field(request, "failed", r));
        tally.coverage.forEach((k, n) -> Isolation.field(request, "coverage", k + Isolation.SEP + n));
        return request.append("go\n").toString();
    }

    /** One run worker, from chain {@code from} on, and what this process learns of it. */
    private static final class Session<S, M> {
        private final StateMachine<S, M> machine;
        private final Settings settings;
        private final int from;
        private final Engine.Tally<S, M> tally;
        private final AtomicLong progress = new AtomicLong(System.nanoTime());
        private int chain = -1;
        private List<Action<S, M>> applied = new ArrayList<>();
        private Map<String, Long> coverage = new TreeMap<>();
        private Violation violation;
        private boolean shrinking;
        private List<Action<S, M>> candidate;

        Session(StateMachine<S, M> machine, Settings settings, int from, Engine.Tally<S, M> tally) {
            this.machine = machine;
            this.settings = settings;
            this.from = from;
            this.tally = tally;
        }

        /** Runs the worker to its end or its death; returns the chain the next worker starts from. */
        int run() {
            long started = System.nanoTime();
            Path err = null;
            try {
                err = Files.createTempFile("vakit-run-worker", ".stderr");
                Process p = new ProcessBuilder(Isolation.command()).redirectError(err.toFile()).start();
                Isolation.STARTED.incrementAndGet();
                AtomicBoolean killed = new AtomicBoolean();
                Thread watchdog = Thread.ofVirtual().start(() -> watch(p, killed));
                try (Writer w = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
                    w.write(request(machine, settings, from, tally));
                } catch (IOException e) {
                    // the worker died before it read the request: its exit tells why
                }
                boolean done = false;
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        done |= read(line.split(String.valueOf(Isolation.SEP), -1));
                    }
                }
                int exit = p.waitFor();
                watchdog.interrupt();
                if (done) {
                    return settings.tries();
                }
                return died(p.pid(), exit, killed.get(), Isolation.tail(err));
            } catch (IOException e) {
                throw new UncheckedIOException("starting a run worker for " + machine.name(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while a run worker ran " + machine.name(), e);
            } finally {
                Isolation.NANOS.addAndGet(System.nanoTime() - started);
                if (err != null) {
                    try {
                        Files.deleteIfExists(err);
                    } catch (IOException ignored) {
                        // a temporary file left behind
                    }
                }
            }
        }

        /** Kills the worker when one chain, or one shrinking candidate, runs longer than the timeout. */
        private void watch(Process p, AtomicBoolean killed) {
            long limit = Isolation.TIMEOUT_SECONDS * 1_000_000_000L;
            try {
                while (p.isAlive()) {
                    if (System.nanoTime() - progress.get() > limit) {
                        killed.set(true);
                        p.destroyForcibly();
                        return;
                    }
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Reads one protocol line; true on {@code done}. */
        private boolean read(String[] f) {
            switch (f[0]) {
                case "chain" -> {
                    chain = Integer.parseInt(f[1]);
                    applied = new ArrayList<>();
                    coverage = new TreeMap<>();
                    violation = null;
                    shrinking = false;
                    candidate = null;
                    progress.set(System.nanoTime());
                }
                case "action" -> (candidate != null ? candidate : applied).add(Replay.action(machine,
                        Isolation.unescape(f[1])));
                case "coverage" -> coverage.merge(Isolation.unescape(f[1]), Long.parseLong(f[2]), Long::sum);
                case "violation" -> violation = new Violation(Isolation.unescape(f[1]), Isolation.unescape(f[2]));
                case "shrinking" -> shrinking = true;
                case "candidate" -> {
                    candidate = new ArrayList<>();
                    progress.set(System.nanoTime());
                }
                case "failure" -> {
                    String replay = Isolation.unescape(f[7]);
                    List<String> text = Replay.decode(machine, replay).stream().map(Object::toString).toList();
                    tally.failure(new Verdict.Failure(Integer.parseInt(f[1]), Long.parseLong(f[2]),
                            Integer.parseInt(f[3]), Integer.parseInt(f[4]), text,
                            new Violation(Isolation.unescape(f[5]), Isolation.unescape(f[6])), replay));
                    candidate = null;
                }
                case "ran" -> {
                    coverage.merge(Isolation.SURVIVES, (long) applied.size(), Long::sum); // every action survived
                    tally.record(new Run<>(List.copyOf(applied), violation, coverage));
                    chain = -1;
                }
                case "done" -> {
                    return true;
                }
                default -> { } // not the protocol's
            }
            return false;
        }

        /**
         * The worker died in chain {@link #chain} (or before its first): that chain, or the shrinking candidate it was
         * running, fails {@link Isolation#SURVIVES}; the chain's own failure, if it was being shrunk, is reported
         * unshrunk. Returns the chain to go on from.
         */
        private int died(long pid, int exit, boolean killed, String tail) {
            int at = chain < 0 ? from : chain;
            List<Action<S, M>> fatal = candidate != null ? candidate : applied;
            Violation death = Isolation.died(pid, exit, killed, fatal, tail);
            if (shrinking && violation != null && !tally.failedRules.contains(violation.rule())) {
                tally.failure(new Verdict.Failure(at + 1, settings.seedOf(at), applied.size(), 0,
                        applied.stream().map(Object::toString).toList(), violation,
                        Replay.encode(machine.name(), applied)));
            }
            if (chain >= 0 && candidate == null) {
                tally.record(new Run<>(List.copyOf(applied), death, coverage));
            } else if (chain >= 0) {
                tally.record(new Run<>(List.copyOf(applied), violation, coverage));
            }
            if (!tally.failedRules.contains(Isolation.SURVIVES)) {
                tally.failure(confirm(at, fatal, death));
            }
            return at + 1;
        }

        /**
         * The crash verdict for chain {@code at}, whose actions {@code fatal} were running when the run worker died:
         * replayed alone in a fresh worker, and shrunk there when it dies again; else reported as it ran, saying why
         * it is not shrunk.
         */
        private Verdict.Failure confirm(int at, List<Action<S, M>> fatal, Violation death) {
            Run<S, M> alone = Isolation.replay(machine, fatal);
            if (!alone.passed() && alone.violation().rule().equals(Isolation.SURVIVES)) {
                return tally.shrink(at, settings.seedOf(at), alone);
            }
            String why = alone.passed() ? "replayed alone in a fresh worker, the chain passed: it dies only after the "
                    + "chains before it ran in the same process; rerun the whole run with the printed settings"
                    : "replayed alone in a fresh worker, the chain fails " + alone.violation().rule()
                            + " instead: " + alone.violation().getMessage();
            return new Verdict.Failure(at + 1, settings.seedOf(at), fatal.size(), 1,
                    fatal.stream().map(Object::toString).toList(), new Violation(Isolation.SURVIVES,
                            death.getMessage().substring(Isolation.SURVIVES.length() + 2) + "\n(" + why + ")"),
                    Replay.encode(machine.name(), fatal));
        }
    }
}
