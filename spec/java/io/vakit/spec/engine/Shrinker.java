package io.vakit.spec.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Shrinks a failing chain while it still breaks the same rule: first drops runs of actions (halves, then
 * quarters, down to single actions), then replaces actions by their simplifications, and repeats until
 * neither step makes progress.
 */
public final class Shrinker {
    /** A bound on candidate runs, so that a machine whose simplifications cycle still terminates. */
    public static final int MAX_ATTEMPTS = 20_000;
    /** The bound for an isolated machine, whose every candidate starts a worker process. */
    public static final int MAX_WORKER_ATTEMPTS = 100;

    private Shrinker() {}

    /** The shrunk chain and how many candidate runs the shrinking took. */
    public record Result<S, M>(Run<S, M> run, int attempts) {}

    /** Shrinks {@code failing}, which must have failed. */
    public static <S, M> Result<S, M> shrink(StateMachine<S, M> machine, Run<S, M> failing) {
        String rule = failing.violation().rule();
        Run<S, M> best = failing;
        int attempts = 0;
        boolean progress = true;
        int max = machine.isolated() ? MAX_WORKER_ATTEMPTS : MAX_ATTEMPTS;
        while (progress && attempts < max) {
            progress = false;
            for (int chunk = Math.max(1, best.applied().size() / 2); chunk >= 1; chunk /= 2) {
                int start = 0;
                while (start < best.applied().size()) {
                    List<Action<S, M>> candidate = new ArrayList<>(best.applied());
                    candidate.subList(start, Math.min(candidate.size(), start + chunk)).clear();
                    attempts++;
                    Run<S, M> run = Run.of(machine, candidate);
                    if (!run.passed() && run.violation().rule().equals(rule)
                            && run.applied().size() < best.applied().size()) {
                        best = run;
                        progress = true;
                    } else {
                        start += chunk;
                    }
                }
            }
            for (int i = 0; i < best.applied().size(); i++) {
                for (Action<S, M> simpler : best.applied().get(i).simplifications()) {
                    List<Action<S, M>> candidate = new ArrayList<>(best.applied());
                    candidate.set(i, simpler);
                    attempts++;
                    Run<S, M> run = Run.of(machine, candidate);
                    if (!run.passed() && run.violation().rule().equals(rule)
                            && run.applied().size() <= best.applied().size()) {
                        best = run;
                        progress = true;
                        break;
                    }
                }
            }
        }
        return new Result<>(best, attempts);
    }
}
