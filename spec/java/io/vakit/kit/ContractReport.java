package io.vakit.kit;

import io.vakit.spec.contract.ContractMachine;
import io.vakit.spec.contract.Rule;
import io.vakit.spec.contract.SoakMachine;
import io.vakit.spec.contract.States;
import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Feature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The contract's verdict on one implementation, rule by rule, and the states its chains reached.
 *
 * @param design the design id
 * @param title the design's one-line title, as its descriptor gives it
 * @param verdict what the engine found, over the normal configuration and (where declared) the small one
 * @param rules one result per {@link Rule}
 * @param states every required state, in the order {@link States} gives them, with how often it was reached (0 for
 *     a missing one): first the normal configuration's, then the small configuration's, named
 *     {@value #SMALL} followed by the state. The two configurations keep their coverage and requirements apart
 * @param missing the required states no chain reached: each is UNCHECKED, and fails the run
 * @param hardening for a provider whose binding decides the misuse rules, the implementation's own answers to
 *     misuse ({@link AllocatorProvider#hardening()}); empty otherwise. A silent acceptance is printed as such, never
 *     as a PASS, and does not fail the run: it is what the library does, and what its users must know
 * @param workers the processes the run started: a forked child or a worker JVM for each chain and each shrinking
 *     candidate of an isolated provider; one run worker per run, and more after a crash, for a Java implementation
 *     from outside; 0 for one that runs in the kit's own process
 * @param isolation how the chains ran: {@code fork server}, {@code worker JVMs} (with the reason there was no fork
 *     server), {@code run worker} or {@code in process}
 */
public record ContractReport(String design, String title, Verdict verdict, List<RuleResult> rules, Map<String, Long> states,
        List<String> missing, List<io.vakit.spi.MisuseResponse> hardening, long workers, String isolation) {

    /** How the small configuration's states are named in a report. */
    public static final String SMALL = "small configuration: ";

    /** The share of the tries that run on the small configuration, where it is declared. */
    static final int SMALL_SHARE = 4;

    /** Freezes the lists. */
    public ContractReport {
        rules = List.copyOf(rules);
        states = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(states));
        missing = List.copyOf(missing);
        hardening = List.copyOf(hardening);
    }

    /** Runs the contract machines against {@code provider} and classifies every rule and state. */
    public static ContractReport run(AllocatorProvider provider, Settings settings) {
        long workersBefore = io.vakit.spec.engine.Isolation.workersStarted() + ContractMachine.forkedChildren();
        List<Verdict> verdicts = new ArrayList<>();
        Verdict normal = Engine.check(new ContractMachine(provider), settings);
        verdicts.add(normal);
        boolean failFast = Boolean.getBoolean("vakit.failFast"); // the mutation runs: a failure is all they ask
        Verdict small = null;
        if (provider.descriptor().has(Feature.SMALL_CONFIGURATION) && !(failFast && !normal.passed())) {
            small = Engine.check(new ContractMachine(provider, true),
                    settings.withTries(Math.max(1, settings.tries() / SMALL_SHARE)));
            verdicts.add(small);
        }
        boolean failed = verdicts.stream().anyMatch(v -> !v.passed());
        Verdict soak = null;
        if (provider.descriptor().has(Feature.THREAD_SAFE) && !(failFast && failed)) {
            soak = Engine.check(new io.vakit.spec.contract.SoakMachine(provider), settings.withTries(1).withLength(1));
            verdicts.add(soak);
        }
        Verdict verdict = merge(ContractMachine.PREFIX + provider.id(), settings, verdicts);
        Map<String, Long> states = new java.util.LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String state : States.required(provider.descriptor(), normal.coverage())) {
            long n = normal.coverage().getOrDefault(States.PREFIX + state, 0L);
            states.put(state, n);
            if (n == 0) {
                missing.add(state);
            }
        }
        Map<String, Long> soakCoverage = soak == null ? Map.of() : soak.coverage();
        for (String state : States.requiredSoak(provider.descriptor())) {
            long n = soakCoverage.getOrDefault(States.PREFIX + state, 0L);
            states.put(state, n);
            if (n == 0) {
                missing.add(state);
            }
        }
        Map<String, Long> smallCoverage = small == null ? Map.of() : small.coverage();
        for (String state : States.requiredSmall(provider.descriptor(), smallCoverage)) {
            long n = smallCoverage.getOrDefault(States.PREFIX + state, 0L);
            states.put(SMALL + state, n);
            if (n == 0) {
                missing.add(SMALL + state);
            }
        }
        List<RuleResult> rules = rules(provider, verdict);
        return new ContractReport(provider.id(), provider.descriptor().title(), verdict, rules, states, missing,
                provider.bindingDecides().isPresent() ? provider.hardening() : List.of(),
                io.vakit.spec.engine.Isolation.workersStarted() + ContractMachine.forkedChildren() - workersBefore,
                isolation(provider));
    }

    /**
     * Why the soak left T1 unchecked: the overlapped calls it saw, of those it needs, within its time. Its threads did
     * not run together often enough, which more cores or a less loaded machine give, not more tries.
     */
    static String soakUnchecked(Verdict verdict) {
        Long seen = verdict.coverage().get("count:overlapped calls");
        if (seen == null) {
            return "the soak did not run to its end";
        }
        if (verdict.failureOf(Rule.T1_SOAK.label()) != null) {
            return "the soak stopped at its failure (T1), after " + seen + " overlapped calls";
        }
        return "the soak saw " + seen + " overlapped calls of the " + SoakMachine.Overlaps.required() + " it needs ("
                + "vakit.soak.overlaps) within " + SoakMachine.longestSeconds() + " s (three times "
                + "vakit.soak.seconds);"
                + " its threads seldom ran in the allocator together: give it free cores";
    }

    /** How {@code provider}'s chains run, as {@link #isolation()} names it. */
    public static String isolation(AllocatorProvider provider) {
        if (ContractMachine.forking(provider)) {
            return "fork server";
        }
        if (ContractMachine.isolating(provider)) {
            return provider.isolation();
        }
        return ContractMachine.runIsolating(provider) ? "run worker" : "in process";
    }

    /** The required states, in report order. */
    public List<String> required() {
        return List.copyOf(states.keySet());
    }

    /**
     * Every rule's status for {@code provider} after {@code verdict}: passed, failed, skipped, the binding's, or
     * unchecked. A rule is UNCHECKED only where the run could have checked it and did not; where the declared features
     * and limits cannot exercise it, it is SKIPPED with the reason ({@link #skipReason}).
     */
    public static List<RuleResult> rules(AllocatorProvider provider, Verdict verdict) {
        List<RuleResult> rules = new ArrayList<>();
        Map<String, String> binding = provider.bindingRules();
        for (Rule rule : Rule.values()) {
            long checks = verdict.coverage().getOrDefault(rule.label(), 0L);
            Optional<String> skip = skipReason(provider, rule, checks, verdict);
            Verdict.Failure failure = verdict.failureOf(rule.label());
            if (failure != null) {
                rules.add(new RuleResult(rule, RuleResult.Status.FAIL, checks, failure.violation().getMessage()));
            } else if (binding.containsKey(rule.id()) && skip.isEmpty()) {
                rules.add(new RuleResult(rule, RuleResult.Status.BINDING, checks, "decided by the binding in front of"
                        + " the implementation, not by it: " + binding.get(rule.id())
                        + (rule.id().startsWith("M") && !rule.id().equals("M7") ? " (see its hardening table)" : "")));
            } else if (skip.isPresent()) {
                rules.add(new RuleResult(rule, RuleResult.Status.SKIPPED, checks, skip.get()));
            } else if (checks == 0) {
                rules.add(new RuleResult(rule, RuleResult.Status.UNCHECKED, 0, rule == Rule.T1_SOAK
                        ? soakUnchecked(verdict) : "never reached: raise vakit.tries or vakit.length"));
            } else {
                rules.add(new RuleResult(rule, RuleResult.Status.PASS, checks, passNote(provider, rule)));
            }
        }
        return rules;
    }

    /**
     * Why {@code rule} does not apply to {@code provider}, or empty: a feature it needs is not declared; C0 for an
     * implementation that runs in the kit's own process; C8 where the binding keeps every counter; C12 where neither a
     * small configuration nor any refusal gave it something to judge.
     */
    static Optional<String> skipReason(AllocatorProvider provider, Rule rule, long checks, Verdict verdict) {
        var d = provider.descriptor();
        if (rule == Rule.C0_SURVIVES && !ContractMachine.survivalChecked(provider)) {
            return Optional.of(provider.isolated() || ContractMachine.fromOutside(provider)
                    ? "-Dvakit.isolate=false: its chains ran in the kit's own process"
                    : "runs in the kit's own process (a Java implementation not named from outside, such as vakit's "
                            + "own designs): a crash would end the run");
        }
        if (rule == Rule.C8_STATS && provider.bindingCountsLiveBlocks()) {
            return Optional.of("the implementation's own counters are not mapped (live_count= in its symbols); the "
                    + "stats are the binding's");
        }
        if (rule == Rule.C12_EXHAUSTION && checks == 0 && !d.has(Feature.SMALL_CONFIGURATION)) {
            return Optional.of("no small configuration, and no request was refused in " + verdict.chainsRun()
                    + " chains (its largest block is " + d.maxBlockSize() + " bytes): exhaustion cannot be driven");
        }
        return rule.skipReason(d).map(why -> why + rule.needs().stream().filter(f -> !d.has(f)).findFirst()
                .flatMap(provider::whyNot).map(more -> ": " + more).orElse(""));
    }

    /** What a PASS covers, where it is less than the whole rule. */
    private static String passNote(AllocatorProvider provider, Rule rule) {
        if (rule == Rule.C8_STATS && provider.bindingCountsLiveBytes()) {
            return "the library's own live count (live_count=); the live bytes are the binding's";
        }
        return "";
    }

    private static Verdict merge(String machine, Settings settings, List<Verdict> verdicts) {
        Map<String, Long> coverage = new TreeMap<>();
        List<Verdict.Failure> failures = new ArrayList<>();
        int chains = 0;
        long actions = 0;
        Duration elapsed = Duration.ZERO;
        for (Verdict v : verdicts) {
            Engine.merge(coverage, v.coverage());
            for (Verdict.Failure f : v.failures()) {
                if (failures.stream().noneMatch(g -> g.violation().rule().equals(f.violation().rule()))) {
                    failures.add(f);
                }
            }
            chains += v.chainsRun();
            actions += v.actionsRun();
            elapsed = elapsed.plus(v.elapsed());
        }
        return new Verdict(machine, settings, chains, actions, elapsed, coverage, failures);
    }

    /** True when no rule failed, every applicable rule was checked, and every required state was reached. */
    public boolean passed() {
        return verdict.passed() && missing.isEmpty()
                && rules.stream().noneMatch(r -> r.status() == RuleResult.Status.UNCHECKED);
    }

    /** The calls into the allocator that the model checked. */
    public long operations() {
        return verdict.coverage().getOrDefault("count:operations", 0L);
    }

    /** Checked operations per second of the whole run (shrinking included). */
    public double operationsPerSecond() {
        double seconds = Math.max(1e-9, verdict.elapsed().toNanos() / 1e9);
        return operations() / seconds;
    }

    /** The largest size allocated. */
    public long largest() {
        return verdict.coverage().getOrDefault("max:largest", 0L);
    }

    /** The rows of the result table, one per rule, then the coverage line and each unreached state. */
    public String table() {
        StringBuilder s = new StringBuilder();
        for (RuleResult r : rules) {
            s.append(String.format("%-12s %-4s %-26s %-9s %8d  %s%n", design, r.rule().id(), r.rule().title(),
                    r.status(), r.checks(), r.status() == RuleResult.Status.FAIL ? "see below" : r.detail()));
        }
        s.append(String.format("%-12s %-4s %-26s %-9s %8d  %s%n", design, "S", "states reached",
                missing.isEmpty() ? "PASS" : "UNCHECKED", states.size() - missing.size(),
                "of " + states.size() + " required; largest block " + largest() + " bytes"));
        for (String m : missing) {
            s.append(String.format("%-12s %-4s %-26s %-9s %8d  %s%n", design, "S", m, "UNCHECKED", 0,
                    m.equals(States.OVERLAPPED) ? soakUnchecked(verdict) : "never reached: raise vakit.tries or vakit.length"));
        }
        for (io.vakit.spi.MisuseResponse h : hardening) {
            s.append(String.format("%-12s %-4s %-26s %-9s %8s  %s%n", design, "H", h.misuse(), label(h.response()), "",
                    h.detail()));
        }
        return s.toString();
    }

    /** A hardening response as the reports print it: {@code ACCEPTED SILENTLY}, not the enum's underscore. */
    static String label(io.vakit.spi.MisuseResponse.Response r) {
        return r.name().replace('_', ' ');
    }

    /** One line: the verdict, chains, actions, checked operations and their rate, and time. */
    public String summary() {
        double seconds = verdict.elapsed().toMillis() / 1000.0;
        return String.format("%s: %s (%d chains, %d actions, %d checked operations, %.0f per second, %.1f s%s)", design,
                passed() ? "PASS" : "FAIL", verdict.chainsRun(), verdict.actionsRun(), operations(),
                operationsPerSecond(), seconds, workers == 0 ? "; " + isolation : String.format("; %s: %d processes, %.1f"
                        + " per second", isolation, workers, workers / Math.max(1e-9, seconds)));
    }
}
