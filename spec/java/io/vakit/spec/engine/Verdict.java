package io.vakit.spec.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a check of one machine found.
 *
 * @param machine the machine's name
 * @param settings the settings used
 * @param chainsRun the chains run
 * @param actionsRun the actions run, not counting shrinking
 * @param elapsed the wall time, shrinking included
 * @param coverage how often each rule was checked, and the machine's other counters, over all chains
 * @param failures one shrunk counterexample per failing rule, in the order found; empty when every chain passed
 */
public record Verdict(String machine, Settings settings, int chainsRun, long actionsRun, Duration elapsed,
        Map<String, Long> coverage, List<Failure> failures) {

    /**
     * A shrunk counterexample.
     *
     * @param chainNumber which chain of the run failed first on this rule, from 1
     * @param chainSeed that chain's seed
     * @param originalLength the number of actions before shrinking
     * @param shrinkAttempts how many candidate runs shrinking took
     * @param chain the shrunk chain, in its textual form
     * @param violation the rule the shrunk chain breaks
     * @param replay the one-line replay string
     */
    public record Failure(int chainNumber, long chainSeed, int originalLength, int shrinkAttempts, List<String> chain,
            Violation violation, String replay) {

        /** The failure for a test's assertion message: the rule, the chain, how to replay it. */
        public String describe(Settings settings) {
            StringBuilder s = new StringBuilder();
            s.append(violation.getMessage()).append('\n');
            s.append("  chain ").append(chainNumber).append(" (seed ").append(chainSeed).append(") failed after ")
                    .append(originalLength).append(" actions; shrunk to ").append(chain.size()).append(" in ")
                    .append(shrinkAttempts).append(" runs:\n");
            for (int i = 0; i < chain.size(); i++) {
                s.append("    ").append(i + 1).append(". ").append(chain.get(i)).append('\n');
            }
            s.append("  replay: ").append(replay).append('\n');
            s.append("  rerun these settings: -Dvakit.seed=").append(settings.seed()).append(" -Dvakit.tries=")
                    .append(settings.tries()).append(" -Dvakit.length=").append(settings.length()).append('\n');
            s.append("  as a JUnit test:\n").append(Replay.junitTest(replay).indent(4));
            return s.toString();
        }
    }

    /** Freezes the failures. */
    public Verdict {
        failures = List.copyOf(failures);
    }

    /** True when every chain passed. */
    public boolean passed() {
        return failures.isEmpty();
    }

    /** The first failure found, or {@code null} when every chain passed. */
    public Failure failure() {
        return failures.isEmpty() ? null : failures.getFirst();
    }

    /** The failure of the rule labelled {@code rule}, or {@code null}. */
    public Failure failureOf(String rule) {
        return failures.stream().filter(f -> f.violation().rule().equals(rule)).findFirst().orElse(null);
    }

    /** A report of every failure for a test's assertion message: the rule, the chain, how to replay it. */
    public String describe() {
        if (failures.isEmpty()) {
            return machine + ": passed " + chainsRun + " chains, " + actionsRun + " actions\n";
        }
        StringBuilder s = new StringBuilder();
        for (Failure f : failures) {
            s.append(machine).append(": ").append(f.describe(settings));
        }
        return s.toString();
    }
}
