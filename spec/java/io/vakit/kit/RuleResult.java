package io.vakit.kit;

import io.vakit.spec.contract.Rule;

/**
 * One rule's result for one implementation.
 *
 * @param rule the rule
 * @param status what happened
 * @param checks how many times the rule was checked
 * @param detail the skip reason or the failure, or empty
 */
public record RuleResult(Rule rule, Status status, long checks, String detail) {
    /** The outcome of a rule. */
    public enum Status {
        /** Checked, never broken. */
        PASS,
        /** Broken: see the counterexample. */
        FAIL,
        /** Not applicable: the design does not declare a feature the rule needs. */
        SKIPPED,
        /** Applicable, but the run never reached it: more tries or longer chains are needed. */
        UNCHECKED,
        /**
         * Decided by the provider's binding in front of the implementation (vakit's guard before a native library),
         * so never credited to the implementation; see the hardening table for what the implementation itself does.
         */
        BINDING
    }
}
