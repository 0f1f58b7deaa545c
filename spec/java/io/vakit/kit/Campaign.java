package io.vakit.kit;

import io.vakit.spec.contract.ContractMachine;
import io.vakit.spec.contract.States;
import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import io.vakit.spi.AllocatorProvider;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A long campaign of the contract against one implementation ({@code -Dvakit.campaign=<duration>}, such as
 * {@code 5m}, {@code 90s} or {@code 1h}, or {@code chains} to run {@code vakit.tries} chains): chains until the time or
 * the chains are spent or a rule fails, with a progress line every {@code vakit.campaign.every} seconds (default 5):
 * chains done and their rate, checked operations and theirs, the required states reached, the failures so far.
 */
public final class Campaign {
    private Campaign() {}

    /** The campaign's length from {@code -Dvakit.campaign}, or null when none is asked for. */
    static Duration length() {
        String v = System.getProperty("vakit.campaign", "").strip();
        if (v.isEmpty() || v.equals("false")) {
            return null;
        }
        if (v.equals("chains")) {
            return Duration.ofDays(3650);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(s|m|h)").matcher(v);
        if (!m.matches()) {
            throw new IllegalArgumentException("-Dvakit.campaign=" + v + ": give a duration such as 90s, 5m or 1h, or "
                    + "'chains' for -Dvakit.tries chains");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** The settings of a campaign: the system properties', without a bound on the chains unless vakit.tries sets one. */
    static Settings settings() {
        Settings base = Settings.fromSystemProperties();
        return System.getProperty("vakit.tries") != null ? base : base.withTries(Integer.MAX_VALUE);
    }

    /** Runs the campaign against each of {@code providers}; true when none failed. */
    static boolean run(List<AllocatorProvider> providers, Duration length, Settings settings, PrintStream out) {
        boolean chainsBound = settings.tries() < Integer.MAX_VALUE;
        long every = Long.getLong("vakit.campaign.every", 5) * 1_000_000_000L;
        boolean all = true;
        for (AllocatorProvider p : providers) {
            ContractMachine machine = new ContractMachine(p);
            out.printf("vakit campaign: %s for %s%s, chains of up to %d actions, seed %d; %s, %d at a time%n", p.id(),
                    length.toDays() >= 3650 ? "ever" : length.toString().substring(2).toLowerCase(),
                    chainsBound ? " or " + settings.tries() + " chains" : "", settings.length(), settings.seed(),
                    ContractReport.isolation(p), machine.parallelChains() || machine.isolated() ? Engine.degree(machine) : 1);
            long started = System.nanoTime();
            long[] next = {started + every};
            Verdict v = Engine.campaign(machine, settings, started + Math.min(length.toNanos(), Long.MAX_VALUE / 4),
                    so -> {
                        if (System.nanoTime() - next[0] >= 0) {
                            next[0] += every;
                            out.println(line(p, so, started));
                            out.flush();
                        }
                    });
            out.println(line(p, v, started));
            out.println(v.passed() ? p.id() + ": no failure in " + v.chainsRun() + " chains" : v.describe());
            all &= v.passed();
        }
        return all;
    }

    /** One progress line. */
    static String line(AllocatorProvider p, Verdict v, long started) {
        double seconds = Math.max(1e-9, (System.nanoTime() - started) / 1e9);
        Map<String, Long> c = v.coverage();
        List<String> required = States.required(p.descriptor(), c);
        long reached = required.stream().filter(s -> c.getOrDefault(States.PREFIX + s, 0L) > 0).count();
        long ops = c.getOrDefault("count:operations", 0L);
        return String.format("[%6.0f s] %s: %d chains (%.1f/s), %d actions, %d checked operations (%.0f/s), states %d"
                + " of %d, failures %d%s", seconds, p.id(), v.chainsRun(), v.chainsRun() / seconds, v.actionsRun(), ops,
                ops / seconds, reached, required.size(), v.failures().size(), v.failures().isEmpty() ? ""
                        : " (" + v.failures().getFirst().violation().rule() + ")");
    }
}
