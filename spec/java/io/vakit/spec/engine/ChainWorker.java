package io.vakit.spec.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The main class of a worker ({@link Isolation}): reads one request from stdin (the machine's name, then a seed,
 * length, actions to avoid and the run's coverage so far, or a replay string; then {@code go}), runs that one
 * chain (or, in run mode, every chain of a run from a given one: {@link RunIsolation}), and writes the protocol: {@code action} before each action runs, then {@code violation}, {@code coverage}
 * and {@code done}. The protocol goes to the process's original stdout, duplicated to a descriptor of its own; file
 * descriptor 1 is pointed at stderr first, so whatever the library under test or the JVM prints cannot garble it.
 */
public final class ChainWorker {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle DUP = libc("dup", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle DUP2 = libc("dup2", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle WRITE = libc("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));

    /** The property of a training run, which exits normally so that its class archive is written. */
    static final String TRAIN = "vakit.worker.train";

    private final int out;

    private ChainWorker(int out) {
        this.out = out;
    }

    private static MethodHandle libc(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd);
    }

    /** Runs the one chain the request on stdin asks for. */
    public static void main(String[] args) throws Throwable {
        int protocol = (int) DUP.invokeExact(1);
        if (protocol < 0 || (int) DUP2.invokeExact(2, 1) < 0) {
            throw new IllegalStateException("cannot set up the worker's protocol descriptor");
        }
        ChainWorker worker = new ChainWorker(protocol);
        String machine = null;
        String replay = null;
        String mode = "chain";
        long seed = 0;
        int length = 0;
        int tries = 0;
        int from = 0;
        Set<String> avoid = new HashSet<>();
        Set<String> failed = new HashSet<>();
        Map<String, Long> coverage = new TreeMap<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("go"); line = in.readLine()) {
            int tab = line.indexOf(Isolation.SEP);
            String name = line.substring(0, tab);
            String value = Isolation.unescape(line.substring(tab + 1));
            switch (name) {
                case "machine" -> machine = value;
                case "mode" -> mode = value;
                case "replay" -> replay = value;
                case "seed" -> seed = Long.parseLong(value);
                case "length" -> length = Integer.parseInt(value);
                case "tries" -> tries = Integer.parseInt(value);
                case "from" -> from = Integer.parseInt(value);
                case "avoid" -> avoid.add(value);
                case "failed" -> failed.add(value);
                case "coverage" -> {
                    int t = value.lastIndexOf(Isolation.SEP);
                    coverage.put(value.substring(0, t), Long.parseLong(value.substring(t + 1)));
                }
                default -> throw new IllegalArgumentException("unknown request field '" + name + "'");
            }
        }
        if (mode.equals("run")) {
            worker.runAll(Machines.find(machine), new Settings(seed, tries, length), from, avoid, failed, coverage);
            worker.line("done");
            Runtime.getRuntime().halt(0);
        }
        Run<?, ?> run = worker.run(Machines.find(machine), replay, seed, length, avoid, coverage);
        if (!run.passed()) {
            worker.line("violation", run.violation().rule(), run.violation().getMessage()
                    .substring(run.violation().rule().length() + 2));
        }
        run.coverage().forEach((k, n) -> worker.line("coverage", k, Long.toString(n)));
        worker.line("done");
        if (Boolean.getBoolean(TRAIN)) {
            System.exit(0); // a normal exit, so the JVM writes the class archive (Isolation)
        }
        Runtime.getRuntime().halt(0); // nothing the library does at exit can change the verdict
    }

    private <S, M> Run<S, M> run(StateMachine<S, M> machine, String replay, long seed, int length, Set<String> avoid,
            Map<String, Long> coverage) {
        java.util.function.Consumer<Action<S, M>> starting = a -> line("action", a.toString());
        if (replay != null) {
            return Run.here(machine, Replay.decode(machine, replay), starting);
        }
        machine.beforeChain(java.util.Collections.unmodifiableMap(coverage));
        return Engine.generate(machine, seed, length, avoid, starting);
    }

    /**
     * Run mode ({@link RunIsolation}): chains {@code from} to the last, one after another, as the engine runs them in
     * process, with the tally the parent sent. Each chain is announced, then each of its actions before it runs, then
     * its coverage and violation; a rule failing for the first time is shrunk here, each candidate announced with its
     * actions, and its shrunk failure sent; then {@code ran}.
     */
    private <S, M> void runAll(StateMachine<S, M> machine, Settings settings, int from, Set<String> avoid,
            Set<String> failed, Map<String, Long> coverage) {
        Engine.Tally<S, M> tally = new Engine.Tally<>(machine);
        tally.avoid.addAll(avoid);
        tally.failedRules.addAll(failed);
        tally.coverage.putAll(coverage);
        Run.candidates = new Run.CandidateListener() {
            @Override
            public void starting() {
                line("candidate");
            }

            @Override
            public void action(Action<?, ?> action) {
                line("action", action.toString());
            }
        };
        // chain i aims with what chains up to i - WINDOW found, as Engine.check does; the parent sends the tally up to
        // chain `from`, and a run restarted there after a crash aims with it until it has tallied its own
        java.util.Map<Integer, java.util.Map.Entry<Map<String, Long>, Set<String>>> snapshots = new java.util.HashMap<>();
        snapshots.put(from, java.util.Map.entry(Map.copyOf(tally.coverage), Set.copyOf(tally.avoid)));
        for (int i = from; i < settings.tries(); i++) {
            long chainSeed = settings.seedOf(i);
            line("chain", Integer.toString(i));
            var aim = snapshots.get(Math.max(from, i - Engine.WINDOW + 1));
            snapshots.remove(i - Engine.WINDOW);
            machine.beforeChain(java.util.Collections.unmodifiableMap(aim.getKey()));
            Run<S, M> run = Engine.generate(machine, chainSeed, settings.length(), aim.getValue(),
                    a -> line("action", a.toString()));
            run.coverage().forEach((k, n) -> line("coverage", k, Long.toString(n)));
            if (!run.passed()) {
                line("violation", run.violation().rule(), run.violation().getMessage()
                        .substring(run.violation().rule().length() + 2));
                if (tally.failedRules.add(run.violation().rule())) {
                    line("shrinking");
                    Verdict.Failure f = tally.shrink(i, chainSeed, run);
                    line("failure", Integer.toString(f.chainNumber()), Long.toString(f.chainSeed()),
                            Integer.toString(f.originalLength()), Integer.toString(f.shrinkAttempts()),
                            f.violation().rule(), f.violation().getMessage().substring(f.violation().rule().length() + 2),
                            f.replay());
                }
            }
            tally.record(run);
            snapshots.put(i + 1, java.util.Map.entry(Map.copyOf(tally.coverage), Set.copyOf(tally.avoid)));
            line("ran", Integer.toString(i));
        }
    }

    /** Writes one protocol line, its fields escaped, with the write system call (nothing buffered). */
    private void line(String... fields) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            s.append(i == 0 ? "" : String.valueOf(Isolation.SEP)).append(i == 0 ? fields[i] : Isolation.escape(fields[i]));
        }
        byte[] bytes = s.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, buf, ValueLayout.JAVA_BYTE, 0, bytes.length);
            long done = 0;
            while (done < bytes.length) {
                long n = (long) WRITE.invokeExact(out, buf.asSlice(done), (long) bytes.length - done);
                if (n <= 0) {
                    throw new IllegalStateException("the worker's protocol descriptor is closed");
                }
                done += n;
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
