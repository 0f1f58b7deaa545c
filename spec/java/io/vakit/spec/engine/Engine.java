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
     * Checks {@code machine} with {@code settings}: one shrunk failure per failing rule. An
     * {@linkplain StateMachine#isolated() isolated} machine runs each chain in a fresh worker process, {@link
     * Isolation#WIDTH} at a time: chain {@code i} is generated with what chains up to {@code i - WIDTH} covered and
     * failed, so the run is the same whatever the timing.
     */
    public static <S, M> Verdict check(StateMachine<S, M> machine, Settings settings) {
        if (machine.runIsolated() && !Isolation.inWorker()) {
            return RunIsolation.check(machine, settings);
        }
        long started = System.nanoTime();
        Tally<S, M> tally = new Tally<>(machine);
        if (machine.isolated() && !Isolation.inWorker()) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                    Isolation.WIDTH, r -> Thread.ofPlatform().daemon().name("vakit-worker-client").unstarted(r));
            try {
                ArrayDeque<java.util.concurrent.Future<Run<S, M>>> inFlight = new ArrayDeque<>();
                for (int i = 0; i < settings.tries() || !inFlight.isEmpty(); ) {
                    if (i < settings.tries() && inFlight.size() < Isolation.WIDTH) {
                        long seed = settings.seedOf(i);
                        Map<String, Long> coverage = new TreeMap<>(tally.coverage);
                        Set<String> avoid = Set.copyOf(tally.avoid);
                        inFlight.add(pool.submit(() -> Isolation.generate(machine, seed, settings.length(), avoid,
                                coverage)));
                        i++;
                        continue;
                    }
                    int chain = i - inFlight.size();
                    tally.add(chain, settings.seedOf(chain), inFlight.poll().get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while checking " + machine.name(), e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("a worker of " + machine.name() + " could not run", e.getCause());
            } finally {
                pool.shutdownNow();
            }
        } else {
            for (int i = 0; i < settings.tries(); i++) {
                long chainSeed = settings.seedOf(i);
                machine.beforeChain(java.util.Collections.unmodifiableMap(tally.coverage));
                tally.add(i, chainSeed, generate(machine, chainSeed, settings.length(), tally.avoid));
            }
        }
        return new Verdict(machine.name(), settings, settings.tries(), tally.actions, elapsed(started),
                tally.coverage, List.copyOf(tally.failures));
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
        }, starting);
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
