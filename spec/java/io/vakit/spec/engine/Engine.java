package io.vakit.spec.engine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Generates random chains for a machine, runs each against system and model, and shrinks a failure of every rule
 * that fails. Before each chain the machine learns what the run covered so far, so it can aim at the rest. After a failure the run goes on with new chains that keep away from the failing action (its text
 * without the label is never generated again), until the tries are spent; a chain that fails a rule already
 * reported adds its own failing action to those kept away from, and is not shrunk again.
 */
public final class Engine {
    /** How often the generator redraws an action it must keep away from before it skips the step. */
    private static final int REDRAWS = 20;

    private Engine() {}

    /**
     * How many chains a run generates before it learns what the first of them found ({@code vakit.window}, default
     * {@value #DEFAULT_WINDOW}): chain {@code i} aims with what chains {@code 0} to {@code i - WINDOW} covered and
     * failed. Part of what a run is, as the seed is: the same window runs the same chains, whatever the degree.
     */
    public static final int WINDOW = Math.max(1, Integer.getInteger("vakit.window", Engine.DEFAULT_WINDOW));
    /** The window when {@code vakit.window} is not set. */
    public static final int DEFAULT_WINDOW = 4;

    /**
     * How many chains run at once ({@code vakit.parallel}, default the CPU count), at most {@link #WINDOW}: timing
     * only, never what a run checks or reports.
     */
    public static int degree() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return Math.max(1, Math.min(WINDOW, Integer.getInteger("vakit.parallel", cpus)));
    }

    /**
     * The degree for {@code machine}: {@link #degree()}, divided by the processes a chain keeps busy when {@code
     * vakit.parallel} is not set (a chain in a forked child keeps two: the kit's thread and the child take turns, and
     * two such chains on two cores ran 25% slower than one).
     */
    public static int degree(StateMachine<?, ?> machine) {
        if (System.getProperty("vakit.parallel") != null) {
            return degree();
        }
        return Math.max(1, degree() / Math.max(1, machine.processesPerChain()));
    }

    /**
     * Checks {@code machine} with {@code settings}: one shrunk failure per failing rule. Chains run {@link #degree()}
     * at a time, each in this process or, for an {@linkplain StateMachine#isolated() isolated} machine, in a fresh
     * worker process; chain {@code i} is generated with what chains up to {@code i - WINDOW} covered and failed, and
     * chains are tallied (and failures shrunk) in their order, so the verdict is the same whatever the degree and the
     * timing.
     */
    public static <S, M> Verdict check(StateMachine<S, M> machine, Settings settings) {
        if (machine.runIsolated() && !Isolation.inWorker()) {
            return RunIsolation.check(machine, settings);
        }
        return run(machine, settings, Long.MAX_VALUE, Boolean.getBoolean("vakit.failFast"), v -> { });
    }

    /**
     * A campaign: chains as {@link #check} runs them, until the tries are spent, the wall clock reaches {@code
     * deadline} ({@link System#nanoTime()}), or a rule fails (that failure is shrunk, the chains in flight finish, and
     * no new chain starts). {@code progress} is told the verdict so far after each chain, in the chains' order.
     */
    public static <S, M> Verdict campaign(StateMachine<S, M> machine, Settings settings, long deadline,
            java.util.function.Consumer<Verdict> progress) {
        return run(machine, settings, deadline, true, progress);
    }

    private static <S, M> Verdict run(StateMachine<S, M> machine, Settings settings, long deadline,
            boolean stopAtFailure, java.util.function.Consumer<Verdict> progress) {
        long started = System.nanoTime();
        Tally<S, M> tally = new Tally<>(machine);
        boolean workers = machine.isolated() && !Isolation.inWorker();
        int degree = workers || machine.parallelChains() ? degree(machine) : 1;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(degree,
                r -> Thread.ofPlatform().daemon().name("vakit-chain").unstarted(r));
        // snapshots.get(k): what the tally held after chains 0 .. k - 1, for chain k + WINDOW - 1 to aim with
        Map<Integer, Snapshot> snapshots = new java.util.HashMap<>();
        snapshots.put(0, new Snapshot(Map.of(), Set.of()));
        int chainsRun = 0;
        try {
            ArrayDeque<java.util.concurrent.Future<Run<S, M>>> inFlight = new ArrayDeque<>();
            int tallied = 0;
            int tries = settings.tries();
            for (int i = 0; i < tries || !inFlight.isEmpty(); ) {
                if (i < tries && (System.nanoTime() - deadline > 0 || stopAtFailure && !tally.failures.isEmpty())) {
                    tries = i; // the campaign ends: no new chain
                    continue;
                }
                if (i < tries && inFlight.size() < degree) {
                    long seed = settings.seedOf(i);
                    Snapshot aim = snapshots.get(Math.max(0, i - WINDOW + 1));
                    inFlight.add(pool.submit(() -> workers
                            ? Isolation.generate(machine, seed, settings.length(), aim.avoid(), aim.coverage())
                            : generateAiming(machine, seed, settings.length(), aim.avoid(), aim.coverage())));
                    i++;
                    continue;
                }
                tally.add(tallied, settings.seedOf(tallied), inFlight.poll().get());
                tallied++;
                snapshots.put(tallied, new Snapshot(Map.copyOf(tally.coverage), Set.copyOf(tally.avoid)));
                snapshots.remove(tallied - WINDOW);
                progress.accept(new Verdict(machine.name(), settings, tallied, tally.actions, elapsed(started),
                        snapshots.get(tallied).coverage(), List.copyOf(tally.failures)));
            }
            chainsRun = tallied;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking " + machine.name(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a chain of " + machine.name() + " could not run", e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return new Verdict(machine.name(), settings, chainsRun, tally.actions, elapsed(started),
                tally.coverage, List.copyOf(tally.failures));
    }

    /** What the tally held when a chain was generated: the coverage to aim with, and the actions to keep away from. */
    private record Snapshot(Map<String, Long> coverage, Set<String> avoid) {}

    /**
     * Generates and runs one chain in this process, telling the machine first what the run covered so far; the
     * machine is told and its fresh system and model are made under its lock, so that chains can run at once.
     */
    static <S, M> Run<S, M> generateAiming(StateMachine<S, M> machine, long seed, int length, Set<String> avoid,
            Map<String, Long> coverage) {
        return generate(machine, seed, length, avoid, a -> { },
                () -> machine.beforeChain(java.util.Collections.unmodifiableMap(new TreeMap<>(coverage))));
    }

    /** What a run found so far: coverage, actions, a shrunk failure per rule, the actions to keep away from. */
    static final class Tally<S, M> {
        final StateMachine<S, M> machine;
        final Map<String, Long> coverage = new TreeMap<>();
        final List<Verdict.Failure> failures = new ArrayList<>();
        final Set<String> failedRules = new HashSet<>();
        final Set<String> avoid = new HashSet<>();
        long actions;

        Tally(StateMachine<S, M> machine) {
            this.machine = machine;
        }

        /** Records chain {@code chain}'s run, and shrinks its failure when its rule failed for the first time. */
        void add(int chain, long chainSeed, Run<S, M> run) {
            boolean first = !run.passed() && failedRules.add(run.violation().rule());
            if (first) {
                failures.add(shrink(chain, chainSeed, run));
            }
            record(run);
        }

        /** The shrunk failure of chain {@code chain}'s failing run. */
        Verdict.Failure shrink(int chain, long chainSeed, Run<S, M> run) {
            Shrinker.Result<S, M> shrunk = Shrinker.shrink(machine, run);
            List<String> text = shrunk.run().applied().stream().map(Object::toString).toList();
            return new Verdict.Failure(chain + 1, chainSeed, run.applied().size(), shrunk.attempts(), text,
                    shrunk.run().violation(), Replay.encode(machine.name(), shrunk.run().applied()));
        }

        /** Counts a run's actions and coverage; after a failure, keeps away from its failing action. */
        void record(Run<S, M> run) {
            actions += run.applied().size();
            merge(coverage, run.coverage());
            if (!run.passed() && !run.applied().isEmpty()) { // what a generated chain ran, not a shrunk one
                avoid.add(signature(run.applied().getLast()));
            }
        }

        /** Adds a failure found elsewhere (by a run worker) for a rule not reported yet. */
        void failure(Verdict.Failure f) {
            failedRules.add(f.violation().rule());
            if (failures.stream().noneMatch(g -> g.violation().rule().equals(f.violation().rule()))) {
                failures.add(f);
            }
        }
    }

    /** Adds one chain's coverage to a run's: sums, except {@code max:} counters, which keep the largest. */
    public static void merge(Map<String, Long> into, Map<String, Long> from) {
        from.forEach((key, n) -> into.merge(key, n, key.startsWith("max:") ? Math::max : Long::sum));
    }

    /** An action's text without its label: what the generator keeps away from after it failed. */
    static String signature(Action<?, ?> action) {
        return action.toString().replaceFirst("#\\d+", "");
    }

    /** Generates and runs one chain of at most {@code length} random actions from {@code seed}, then its finish. */
    public static <S, M> Run<S, M> generate(StateMachine<S, M> machine, long seed, int length) {
        return generate(machine, seed, length, Set.of());
    }

    static <S, M> Run<S, M> generate(StateMachine<S, M> machine, long seed, int length, Set<String> avoid) {
        return generate(machine, seed, length, avoid, a -> { });
    }

    static <S, M> Run<S, M> generate(StateMachine<S, M> machine, long seed, int length, Set<String> avoid,
            java.util.function.Consumer<Action<S, M>> starting) {
        return generate(machine, seed, length, avoid, starting, () -> { });
    }

    static <S, M> Run<S, M> generate(StateMachine<S, M> machine, long seed, int length, Set<String> avoid,
            java.util.function.Consumer<Action<S, M>> starting, Runnable prepare) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ActionType<S, M>> types = machine.actionTypes();
        int[] label = {0};
        ArrayDeque<Action<S, M>> closing = new ArrayDeque<>();
        boolean[] finished = {false};
        return Run.drive(machine, () -> null, model -> {
            Action<S, M> next = label[0] < length ? draw(types, random, model, label, avoid) : null;
            if (next != null) {
                return next;
            }
            if (!finished[0]) {
                finished[0] = true;
                closing.addAll(machine.finish(model));
            }
            return closing.poll();
        }, starting, prepare);
    }

    private static <S, M> Action<S, M> draw(List<ActionType<S, M>> types, SplittableRandom random, M model, int[] label,
            Set<String> avoid) {
        int total = 0;
        int[] weights = new int[types.size()];
        for (int t = 0; t < weights.length; t++) {
            weights[t] = Math.max(0, types.get(t).weight(model));
            total += weights[t];
        }
        if (total == 0) {
            return null;
        }
        Action<S, M> action = null;
        for (int attempt = 0; attempt < REDRAWS; attempt++) {
            int pick = random.nextInt(total);
            int t = 0;
            while (pick >= weights[t]) {
                pick -= weights[t++];
            }
            action = types.get(t).generate(random, model, label[0]);
            if (avoid.isEmpty() || !avoid.contains(signature(action))) {
                break;
            }
        }
        label[0]++;
        return action;
    }

    private static Duration elapsed(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
