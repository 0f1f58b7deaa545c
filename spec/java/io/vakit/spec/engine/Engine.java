package io.vakit.spec.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** Generates random chains for a machine, runs each against system and model, and shrinks the first failure. */
public final class Engine {
    private Engine() {}

    /** Checks {@code machine} with {@code settings}; stops at the first failing chain and shrinks it. */
    public static <S, M> Verdict check(StateMachine<S, M> machine, Settings settings) {
        long started = System.nanoTime();
        Map<String, Long> coverage = new TreeMap<>();
        long actions = 0;
        for (int i = 0; i < settings.tries(); i++) {
            long chainSeed = settings.seedOf(i);
            Run<S, M> run = generate(machine, chainSeed, settings.length());
            actions += run.applied().size();
            run.coverage().forEach((rule, n) -> coverage.merge(rule, n, Long::sum));
            if (!run.passed()) {
                Shrinker.Result<S, M> shrunk = Shrinker.shrink(machine, run);
                List<String> chain = shrunk.run().applied().stream().map(Object::toString).toList();
                Verdict.Failure failure = new Verdict.Failure(chainSeed, run.applied().size(), shrunk.attempts(),
                        chain, shrunk.run().violation(), Replay.encode(machine.name(), shrunk.run().applied()));
                return new Verdict(machine.name(), settings, i + 1, actions, elapsed(started), coverage, failure);
            }
        }
        return new Verdict(machine.name(), settings, settings.tries(), actions, elapsed(started), coverage, null);
    }

    /** Generates and runs one chain of at most {@code length} actions from {@code seed}. */
    public static <S, M> Run<S, M> generate(StateMachine<S, M> machine, long seed, int length) {
        SplittableRandom random = new SplittableRandom(seed);
        List<ActionType<S, M>> types = machine.actionTypes();
        int[] label = {0};
        return Run.drive(machine, () -> null, model -> {
            if (label[0] >= length) {
                return null;
            }
            int total = 0;
            int[] weights = new int[types.size()];
            for (int t = 0; t < weights.length; t++) {
                weights[t] = Math.max(0, types.get(t).weight(model));
                total += weights[t];
            }
            if (total == 0) {
                return null;
            }
            int pick = random.nextInt(total);
            int t = 0;
            while (pick >= weights[t]) {
                pick -= weights[t++];
            }
            return types.get(t).generate(random, model, label[0]++);
        });
    }

    private static Duration elapsed(long started) {
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
