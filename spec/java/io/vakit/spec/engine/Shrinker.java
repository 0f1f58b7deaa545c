package io.vakit.spec.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Shrinks a failing chain while it still breaks the same rule: first drops runs of actions (halves, then
 * quarters, down to single actions), then replaces actions by their simplifications, and repeats until
 * neither step makes progress.
 *
 * <p>For an isolated machine every candidate runs in a worker process of its own, and takes a fraction of a second;
 * there the next {@link Engine#degree()} candidates in order run at once, and the first of them that still fails is
 * taken, exactly the candidate the sequential order would have taken: the shrunk chain is the same, sooner.
 */
public final class Shrinker {
    /** A bound on candidate runs, so that a machine whose simplifications cycle still terminates. */
    public static final int MAX_ATTEMPTS = 20_000;
    /** The bound for an isolated machine, whose every candidate starts a worker process. */
    public static final int MAX_WORKER_ATTEMPTS = 100;

    private Shrinker() {}

    /**
     * The most candidate runs a shrink of {@code machine}'s chains takes: {@link #MAX_WORKER_ATTEMPTS} for a machine
     * replayed in workers, else {@link #MAX_ATTEMPTS}, or fewer when {@code vakit.shrink} says so (0: a failing chain
     * is reported as it ran).
     */
    static int budget(StateMachine<?, ?> machine) {
        int bound = Isolation.replaysInWorkers(machine) ? MAX_WORKER_ATTEMPTS : MAX_ATTEMPTS;
        return Math.max(0, Math.min(bound, Integer.getInteger("vakit.shrink", bound)));
    }

    /** The shrunk chain and how many candidate runs the shrinking took. */
    public record Result<S, M>(Run<S, M> run, int attempts) {}

    /** The first of some candidates, in order, that still fails the rule: its index and its run. */
    private record Hit<S, M>(int index, Run<S, M> run) {}

    /** Shrinks {@code failing}, which must have failed. */
    public static <S, M> Result<S, M> shrink(StateMachine<S, M> machine, Run<S, M> failing) {
        int degree = Engine.degree();
        boolean parallel = Isolation.replaysInWorkers(machine) && degree > 1;
        ExecutorService pool = parallel ? Executors.newFixedThreadPool(degree,
                r -> Thread.ofPlatform().daemon().name("vakit-shrink").unstarted(r)) : null;
        try {
            return shrink(machine, failing, pool, parallel ? degree : 1);
        } finally {
            if (pool != null) {
                pool.shutdown();
            }
        }
    }

    private static <S, M> Result<S, M> shrink(StateMachine<S, M> machine, Run<S, M> failing, ExecutorService pool,
            int width) {
        String rule = failing.violation().rule();
        Run<S, M> best = failing;
        int[] attempts = {0};
        boolean progress = true;
        int max = budget(machine);
        while (progress && attempts[0] < max) {
            progress = false;
            for (int chunk = Math.max(1, best.applied().size() / 2); chunk >= 1; chunk /= 2) {
                int start = 0;
                while (start < best.applied().size() && attempts[0] < max) {
                    List<List<Action<S, M>>> candidates = new ArrayList<>();
                    for (int k = 0; k < width && start + k * chunk < best.applied().size(); k++) {
                        List<Action<S, M>> candidate = new ArrayList<>(best.applied());
                        int from = start + k * chunk;
                        candidate.subList(from, Math.min(candidate.size(), from + chunk)).clear();
                        candidates.add(candidate);
                    }
                    Hit<S, M> hit = first(machine, candidates, rule, best.applied().size(), false, pool, attempts);
                    if (hit != null) {
                        best = hit.run();
                        start += hit.index() * chunk; // the runs before it were kept
                        progress = true;
                    } else {
                        start += candidates.size() * chunk;
                    }
                }
            }
            for (int i = 0; i < best.applied().size() && attempts[0] < max; i++) {
                List<Action<S, M>> simpler = best.applied().get(i).simplifications();
                Hit<S, M> hit = null;
                for (int s = 0; s < simpler.size() && hit == null; s += width) {
                    List<List<Action<S, M>>> candidates = new ArrayList<>();
                    for (int k = s; k < Math.min(simpler.size(), s + width); k++) {
                        List<Action<S, M>> candidate = new ArrayList<>(best.applied());
                        candidate.set(i, simpler.get(k));
                        candidates.add(candidate);
                    }
                    hit = first(machine, candidates, rule, best.applied().size(), true, pool, attempts);
                }
                if (hit != null) {
                    best = hit.run();
                    progress = true;
                }
            }
        }
        return new Result<>(best, attempts[0]);
    }

    /**
     * Runs {@code candidates} (at once when a pool is given) and returns the first, in order, that still breaks
     * {@code rule} with fewer actions than {@code size} (or as many, when {@code sameSize} is allowed), or null.
     */
    private static <S, M> Hit<S, M> first(StateMachine<S, M> machine, List<List<Action<S, M>>> candidates,
            String rule, int size, boolean sameSize, ExecutorService pool, int[] attempts) {
        List<Future<Run<S, M>>> running = new ArrayList<>();
        if (pool != null && candidates.size() > 1) {
            for (List<Action<S, M>> c : candidates) {
                running.add(pool.submit(() -> Run.of(machine, c)));
            }
        }
        try {
            for (int k = 0; k < candidates.size(); k++) {
                attempts[0]++;
                Run<S, M> run = running.isEmpty() ? Run.of(machine, candidates.get(k)) : running.get(k).get();
                boolean smaller = sameSize ? run.applied().size() <= size : run.applied().size() < size;
                if (!run.passed() && run.violation().rule().equals(rule) && smaller) {
                    return new Hit<>(k, run);
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while shrinking " + machine.name(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a shrinking candidate of " + machine.name() + " could not run",
                    e.getCause());
        } // a candidate still running past the hit finishes on its own: a worker is not killed halfway
    }
}
