package io.vakit.spec.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What a check of one machine found.
 *
 * @param machine the machine's name
 * @param settings the settings used
 * @param chainsRun the chains run before the verdict
 * @param actionsRun the actions run, not counting shrinking
 * @param elapsed the wall time, shrinking included
 * @param coverage how often each rule was checked, over all chains
 * @param failure the shrunk counterexample, or {@code null} when every chain passed
 */
public record Verdict(String machine, Settings settings, int chainsRun, long actionsRun, Duration elapsed,
        Map<String, Long> coverage, Failure failure) {

    /**
     * A shrunk counterexample.
     *
     * @param chainSeed the seed of the chain that failed first
     * @param originalLength the number of actions before shrinking
     * @param shrinkAttempts how many candidate runs shrinking took
     * @param chain the shrunk chain, in its textual form
     * @param violation the rule the shrunk chain breaks
     * @param replay the one-line replay string
     */
    public record Failure(long chainSeed, int originalLength, int shrinkAttempts, List<String> chain,
            Violation violation, String replay) {}

    /** True when every chain passed. */
    public boolean passed() {
        return failure == null;
    }

    /** A report of the failure for a test's assertion message: the rule, the chain, how to replay it. */
    public String describe() {
        if (failure == null) {
            return machine + ": passed " + chainsRun + " chains, " + actionsRun + " actions";
        }
        StringBuilder s = new StringBuilder();
        s.append(machine).append(": ").append(failure.violation().getMessage()).append('\n');
        s.append("  chain ").append(chainsRun).append(" (seed ").append(failure.chainSeed()).append(") failed after ")
                .append(failure.originalLength()).append(" actions; shrunk to ").append(failure.chain().size())
                .append(" in ").append(failure.shrinkAttempts()).append(" runs:\n");
        for (int i = 0; i < failure.chain().size(); i++) {
            s.append("    ").append(i + 1).append(". ").append(failure.chain().get(i)).append('\n');
        }
        s.append("  replay: ").append(failure.replay()).append('\n');
        s.append("  rerun these settings: -Dvakit.seed=").append(settings.seed()).append(" -Dvakit.tries=")
                .append(settings.tries()).append(" -Dvakit.length=").append(settings.length()).append('\n');
        s.append("  as a JUnit test:\n").append(Replay.junitTest(failure.replay()).indent(4));
        return s.toString();
    }
}
