package io.vakit.kit;

import io.vakit.spec.contract.ContractMachine;
import io.vakit.spec.contract.Rule;
import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import io.vakit.spi.AllocatorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The contract's verdict on one implementation, rule by rule.
 *
 * @param design the design id
 * @param verdict what the engine found
 * @param rules one result per {@link Rule}
 */
public record ContractReport(String design, Verdict verdict, List<RuleResult> rules) {

    /** Runs the contract machine against {@code provider} and classifies every rule. */
    public static ContractReport run(AllocatorProvider provider, Settings settings) {
        Verdict verdict = Engine.check(new ContractMachine(provider), settings);
        List<RuleResult> rules = new ArrayList<>();
        for (Rule rule : Rule.values()) {
            long checks = verdict.coverage().getOrDefault(rule.label(), 0L);
            Optional<String> skip = rule.skipReason(provider.descriptor());
            if (!verdict.passed() && verdict.failure().violation().rule().equals(rule.label())) {
                rules.add(new RuleResult(rule, RuleResult.Status.FAIL, checks, verdict.failure().violation().getMessage()));
            } else if (skip.isPresent()) {
                rules.add(new RuleResult(rule, RuleResult.Status.SKIPPED, checks, skip.get()));
            } else if (checks == 0) {
                rules.add(new RuleResult(rule, RuleResult.Status.UNCHECKED, 0,
                        verdict.passed() ? "never reached: raise vakit.tries or vakit.length" : "run stopped early"));
            } else {
                rules.add(new RuleResult(rule, RuleResult.Status.PASS, checks, ""));
            }
        }
        return new ContractReport(provider.id(), verdict, List.copyOf(rules));
    }

    /** True when no rule failed and every applicable rule was checked. */
    public boolean passed() {
        return verdict.passed() && rules.stream().noneMatch(r -> r.status() == RuleResult.Status.UNCHECKED);
    }

    /** The rows of the result table, one per rule. */
    public String table() {
        StringBuilder s = new StringBuilder();
        for (RuleResult r : rules) {
            s.append(String.format("%-12s %-4s %-26s %-9s %8d  %s%n", design, r.rule().id(), r.rule().title(),
                    r.status(), r.checks(), r.status() == RuleResult.Status.FAIL ? "see below" : r.detail()));
        }
        return s.toString();
    }

    /** One line: the verdict, chains, actions and time. */
    public String summary() {
        return String.format("%s: %s (%d chains, %d actions, %.1f s)", design, passed() ? "PASS" : "FAIL",
                verdict.chainsRun(), verdict.actionsRun(), verdict.elapsed().toMillis() / 1000.0);
    }
}
