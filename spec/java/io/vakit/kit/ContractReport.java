package io.vakit.kit;

import io.vakit.spec.contract.ContractMachine;
import io.vakit.spec.contract.Rule;
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
 * @param verdict what the engine found, over the normal configuration and (where declared) the small one
 * @param rules one result per {@link Rule}
 * @param required the states the declared features make reachable ({@link States#required})
 * @param missing those of them no chain reached: each is UNCHECKED, and fails the run
 * @param hardening for a provider whose binding decides the misuse rules, the implementation's own answers to
 *     misuse ({@link AllocatorProvider#hardening()}); empty otherwise. A silent acceptance is printed as such, never
 *     as a PASS, and does not fail the run: it is what the library does, and what its users must know
 * @param workers the worker processes the run started (each chain, and each shrinking candidate, of an isolated
 *     provider); 0 for one that runs in the kit's own process
 */
public record ContractReport(String design, Verdict verdict, List<RuleResult> rules, List<String> required,
        List<String> missing, List<io.vakit.spi.MisuseResponse> hardening, long workers) {

    /** The rules a provider's {@linkplain AllocatorProvider#bindingDecides() binding} decides, when it has one. */
    static final java.util.Set<Rule> BINDING_RULES = java.util.EnumSet.of(Rule.M1_INVALID_FREE, Rule.M2_DOUBLE_FREE,
            Rule.M3_FOREIGN_FREE, Rule.M5_BAD_SIZE, Rule.M6_BAD_ALIGNMENT, Rule.C8_STATS);

    /** The share of the tries that run on the small configuration, where it is declared. */
    static final int SMALL_SHARE = 4;

    /** Runs the contract machines against {@code provider} and classifies every rule and state. */
    public static ContractReport run(AllocatorProvider provider, Settings settings) {
        long workersBefore = io.vakit.spec.engine.Isolation.workersStarted();
        List<Verdict> verdicts = new ArrayList<>();
        verdicts.add(Engine.check(new ContractMachine(provider), settings));
        if (provider.descriptor().has(Feature.SMALL_CONFIGURATION)) {
            verdicts.add(Engine.check(new ContractMachine(provider, true),
                    settings.withTries(Math.max(1, settings.tries() / SMALL_SHARE))));
        }
        if (provider.descriptor().has(Feature.THREAD_SAFE)) {
            verdicts.add(Engine.check(new io.vakit.spec.contract.SoakMachine(provider),
                    settings.withTries(1).withLength(1)));
        }
        Verdict verdict = merge(ContractMachine.PREFIX + provider.id(), settings, verdicts);
        List<RuleResult> rules = rules(provider, verdict);
        List<String> required = States.required(provider.descriptor(), verdict.coverage());
        List<String> missing = States.missing(provider.descriptor(), verdict.coverage());
        return new ContractReport(provider.id(), verdict, List.copyOf(rules), List.copyOf(required),
                List.copyOf(missing), provider.bindingDecides().isPresent() ? provider.hardening() : List.of(),
                io.vakit.spec.engine.Isolation.workersStarted() - workersBefore);
    }

    /** Every rule's status for {@code provider} after {@code verdict}: passed, failed, skipped, the binding's, or unchecked. */
    public static List<RuleResult> rules(AllocatorProvider provider, Verdict verdict) {
        List<RuleResult> rules = new ArrayList<>();
        for (Rule rule : Rule.values()) {
            long checks = verdict.coverage().getOrDefault(rule.label(), 0L);
            Optional<String> skip = rule == Rule.C0_SURVIVES && !ContractMachine.isolating(provider)
                    ? Optional.of(provider.isolated() ? "-Dvakit.isolate=false: its chains ran in the kit's own process"
                            : "runs in the kit's own process (a Java implementation): a crash would end the run")
                    : rule.skipReason(provider.descriptor());
            Optional<String> binding = BINDING_RULES.contains(rule) ? provider.bindingDecides() : Optional.empty();
            Verdict.Failure failure = verdict.failureOf(rule.label());
            if (failure != null) {
                rules.add(new RuleResult(rule, RuleResult.Status.FAIL, checks, failure.violation().getMessage()));
            } else if (binding.isPresent() && rule == Rule.C8_STATS && provider.bindingCountsLiveBlocks()) {
                rules.add(new RuleResult(rule, RuleResult.Status.SKIPPED, checks, "the implementation's own counters"
                        + " are not mapped (live_count= in its symbols); the live count is the binding's"));
            } else if (binding.isPresent() && skip.isEmpty() && rule != Rule.C8_STATS) {
                rules.add(new RuleResult(rule, RuleResult.Status.BINDING, checks, "decided by the binding in front of"
                        + " the implementation, not by it (see its hardening table)"));
            } else if (skip.isPresent()) {
                rules.add(new RuleResult(rule, RuleResult.Status.SKIPPED, checks, skip.get()));
            } else if (checks == 0) {
                rules.add(new RuleResult(rule, RuleResult.Status.UNCHECKED, 0,
                        "never reached: raise vakit.tries or vakit.length"));
            } else {
                rules.add(new RuleResult(rule, RuleResult.Status.PASS, checks, ""));
            }
        }
        return rules;
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

    /** How often each required state was reached (0 for a missing one), in the order {@link States} gives them. */
    public Map<String, Long> states() {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        for (String s : required) {
            out.put(s, verdict.coverage().getOrDefault(States.PREFIX + s, 0L));
        }
        return out;
    }

    /** The rows of the result table, one per rule, then the coverage line and each unreached state. */
    public String table() {
        StringBuilder s = new StringBuilder();
        for (RuleResult r : rules) {
            s.append(String.format("%-12s %-4s %-26s %-9s %8d  %s%n", design, r.rule().id(), r.rule().title(),
                    r.status(), r.checks(), r.status() == RuleResult.Status.FAIL ? "see below" : r.detail()));
        }
        s.append(String.format("%-12s %-4s %-26s %-9s %8d  %s%n", design, "S", "states reached",
                missing.isEmpty() ? "PASS" : "UNCHECKED", required.size() - missing.size(),
                "of " + required.size() + " required; largest block " + largest() + " bytes"));
        for (String m : missing) {
            s.append(String.format("%-12s %-4s %-26s %-9s %8d  %s%n", design, "S", m, "UNCHECKED", 0,
                    "never reached: raise vakit.tries or vakit.length"));
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
                operationsPerSecond(), seconds, workers == 0 ? "" : String.format("; %d worker processes, %.1f per"
                        + " second, %.0f actions per second through them", workers, workers / Math.max(1e-9, seconds),
                        verdict.actionsRun() / Math.max(1e-9, seconds)));
    }
}
