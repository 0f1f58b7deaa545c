package io.vakit.spec.engine;

import java.util.List;
import java.util.Optional;

/**
 * A toy machine for testing the engine itself: a counter whose system has a planted bug (adding 7 while the value
 * is above 20 adds 8). The model is the true sum. With {@code second}, a second, independent bug breaks another
 * rule ("thirteen": the system refuses to hold a positive multiple of 13); with {@code finish}, every generated chain
 * ends with {@code add(1)}.
 */
final class CounterMachine implements StateMachine<long[], long[]> {
    private final boolean second;
    private final boolean finish;

    CounterMachine() {
        this(false, false);
    }

    CounterMachine(boolean second, boolean finish) {
        this.second = second;
        this.finish = finish;
    }

    record Add(long n) implements Action<long[], long[]> {
        @Override
        public boolean applicable(long[] model) {
            return true;
        }

        @Override
        public void run(long[] system, long[] model) {
            system[0] += (n == 7 && system[0] > 20) ? 8 : n;
            model[0] += n;
        }

        @Override
        public List<Action<long[], long[]>> simplifications() {
            return n > 1 ? List.of(new Add(n - 1)) : List.of();
        }

        @Override
        public String toString() {
            return Encoded.format("add", -1, n);
        }
    }

    @Override
    public String name() {
        return "counter";
    }

    @Override
    public long[] newSystem() {
        return new long[1];
    }

    @Override
    public long[] newModel() {
        return new long[1];
    }

    @Override
    public List<ActionType<long[], long[]>> actionTypes() {
        return List.of(new ActionType<>() {
            @Override
            public int weight(long[] model) {
                return 1;
            }

            @Override
            public Action<long[], long[]> generate(java.util.random.RandomGenerator random, long[] model, int label) {
                return new Add(1 + random.nextInt(9));
            }

            @Override
            public Optional<Action<long[], long[]>> parse(Encoded e) {
                return e.name().equals("add") ? Optional.of(new Add(e.arg(0))) : Optional.empty();
            }
        });
    }

    @Override
    public void checkInvariants(long[] system, long[] model) {
        if (system[0] != model[0]) {
            throw new Violation("sum", "system has " + system[0] + ", model " + model[0]);
        }
        if (second && system[0] > 0 && system[0] % 13 == 0) {
            throw new Violation("thirteen", "system holds " + system[0]);
        }
    }

    @Override
    public List<Action<long[], long[]>> finish(long[] model) {
        return finish ? List.of(new Add(1)) : List.of();
    }

    @Override
    public java.util.Map<String, Long> coverage(long[] model) {
        return java.util.Map.of("max:value", model[0], "adds", 1L);
    }

    @Override
    public void dispose(long[] system) {}
}
