package io.vakit.kit.lincheck;

import org.jetbrains.kotlinx.lincheck.strategy.IncorrectResultsFailure;
import org.jetbrains.kotlinx.lincheck.strategy.LincheckFailure;
import org.jetbrains.kotlinx.lincheck.strategy.ManagedDeadlockFailure;
import org.jetbrains.kotlinx.lincheck.strategy.ManagedLivelockFailure;
import org.jetbrains.kotlinx.lincheck.strategy.ObstructionFreedomViolationFailure;
import org.jetbrains.kotlinx.lincheck.strategy.TimeoutFailure;
import org.jetbrains.kotlinx.lincheck.strategy.UnexpectedExceptionFailure;
import org.jetbrains.kotlinx.lincheck.strategy.ValidationFailure;
import org.jetbrains.lincheck.LincheckAssertionError;

/**
 * Whose failure a Lincheck check ended in: the implementation's (its results admit no sequential order, a
 * validation after a scenario failed, it threw from a valid call, it deadlocked on its own locks) or the harness's
 * (Lincheck could not load a class it met, hit an internal error, timed out, or took a loop it cannot see into for a
 * livelock). A harness failure is never reported as the implementation's verdict.
 *
 * @param whose who failed
 * @param kind what Lincheck reported, in a few words: {@code invalid execution results}, {@code validation failure},
 *     {@code exception from the implementation}, {@code deadlock}, {@code class not found}, {@code timeout}, ...
 * @param detail Lincheck's own report (the scenario, the results, the trace where it has one)
 */
public record LincheckVerdict(Whose whose, String kind, String detail) {
    /** What Lincheck prints with an error of its own. */
    static final String INTERNAL_BUG = "caught a bug in Lincheck";
    /** A class that could not be loaded, as a report names it. */
    private static final java.util.regex.Pattern NOT_FOUND = java.util.regex.Pattern.compile(
            "java\\.lang\\.(ClassNotFoundException|NoClassDefFoundError): (\\S+)");

    /** Who failed. */
    public enum Whose {
        /** The implementation under test: a verdict on it. */
        IMPLEMENTATION,
        /** Lincheck or vakit's harness around it: no verdict on the implementation. */
        HARNESS
    }

    /**
     * Classifies what {@code check} threw. Lincheck reports an error of its own inside a scenario's results (an
     * "invalid execution" whose results hold the exception, with "You've caught a bug in Lincheck"), so its report is
     * read as well as its failure's type.
     */
    public static LincheckVerdict of(Throwable t) {
        Throwable missing = find(t, ClassNotFoundException.class, NoClassDefFoundError.class);
        String report = text(t);
        java.util.regex.Matcher notFound = NOT_FOUND.matcher(report);
        if (missing != null || notFound.find()) {
            String which = missing != null ? missing.getMessage() : notFound.group(2);
            return harness("class not found", "Lincheck could not load " + which + " (its model checking loads the "
                    + "classes it meets by name through the application class loader: put the implementation's jar on "
                    + "the class path)\n" + report);
        }
        if (find(t, org.jetbrains.kotlinx.lincheck.LincheckInternalBugException.class) != null
                || report.contains(INTERNAL_BUG)) {
            return harness("internal error", report);
        }
        if (!(t instanceof LincheckAssertionError e)) {
            return harness("harness error: " + t.getClass().getSimpleName(), text(t));
        }
        LincheckFailure f = e.getFailure$lincheck();
        return switch (f) {
            case IncorrectResultsFailure r -> implementation("invalid execution results", e);
            case ValidationFailure v -> implementation("validation failure", e);
            case UnexpectedExceptionFailure u -> fromHarness(u.getException())
                    ? harness("harness error: " + u.getException(), text(e))
                    : implementation("exception from the implementation: " + u.getException(), e);
            case ManagedDeadlockFailure d -> implementation("deadlock", e);
            case ObstructionFreedomViolationFailure o -> implementation("obstruction-freedom violated", e);
            case TimeoutFailure o -> harness("timeout", text(e));
            case ManagedLivelockFailure l -> harness("livelock seen by model checking (a loop over memory it cannot "
                    + "see, such as off-heap memory, looks to it like a spin that makes no progress)", text(e));
            default -> harness("unclassified failure: " + f.getClass().getSimpleName(), text(e));
        };
    }

    /** True when this is a verdict on the implementation. */
    public boolean implementations() {
        return whose == Whose.IMPLEMENTATION;
    }

    /** The line a report prints. */
    public String headline() {
        return whose == Whose.IMPLEMENTATION ? "Lincheck rejected the implementation: " + kind
                : "vakit's Lincheck harness failed (" + kind + "): this is no verdict on the implementation";
    }

    private static LincheckVerdict implementation(String kind, Throwable t) {
        return new LincheckVerdict(Whose.IMPLEMENTATION, kind, text(t));
    }

    private static LincheckVerdict harness(String kind, String detail) {
        return new LincheckVerdict(Whose.HARNESS, kind, detail);
    }

    /**
     * True when an exception a scenario threw was raised by the harness, not the implementation: thrown at a frame of
     * Lincheck, the JDK's class loading or vakit's own harness, before any frame of the implementation.
     */
    static boolean fromHarness(Throwable t) {
        for (StackTraceElement frame : t.getStackTrace()) {
            String c = frame.getClassName();
            if (c.startsWith("io.vakit.kit.lincheck.") || c.startsWith("org.jetbrains.") || c.startsWith("kotlin")) {
                return true;
            }
            if (!c.startsWith("java.") && !c.startsWith("jdk.") && !c.startsWith("sun.")) {
                return false; // the implementation's code (or a library it calls) threw
            }
        }
        return false;
    }

    @SafeVarargs
    private static Throwable find(Throwable t, Class<? extends Throwable>... kinds) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            for (Class<? extends Throwable> k : kinds) {
                if (k.isInstance(c)) {
                    return c;
                }
            }
            if (c instanceof LincheckAssertionError e && e.getFailure$lincheck() instanceof UnexpectedExceptionFailure u) {
                Throwable inner = find(u.getException(), kinds);
                if (inner != null) {
                    return inner;
                }
            }
        }
        return null;
    }

    private static String text(Throwable t) {
        return String.valueOf(t.getMessage());
    }
}
