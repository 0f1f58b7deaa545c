package io.vakit.spec.engine;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names how a worker process ended, from its exit status and what the JVM printed when it caught a signal. */
final class Signals {
    private static final Map<Integer, String> NAMES = Map.of(4, "SIGILL", 6, "SIGABRT", 7, "SIGBUS", 8, "SIGFPE",
            9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM", 5, "SIGTRAP");
    /** The JVM's fatal-error header: {@code # SIGSEGV (0xb) at pc=...}. */
    private static final Pattern CAUGHT = Pattern.compile("# (SIG[A-Z]+) \\(0x[0-9a-f]+\\)");

    private Signals() {}

    /**
     * How a process that exited with {@code exit} ended: the signal the JVM caught in native code (it then aborts),
     * the signal that killed it ({@code 128 + n}), or its exit status.
     */
    static String describe(int exit, String stderr) {
        Matcher m = CAUGHT.matcher(stderr);
        if (m.find()) {
            return m.group(1) + " (caught by the JVM in native code, which then aborted with exit " + exit + ")";
        }
        if (exit > 128 && exit < 160) {
            return NAMES.getOrDefault(exit - 128, "signal " + (exit - 128)) + " (exit " + exit + ")";
        }
        return "exit status " + exit + " without a verdict";
    }

    /** The signal's name in {@link #describe}'s text, or empty. */
    static String name(String description) {
        Matcher m = Pattern.compile("^(SIG[A-Z]+)").matcher(description);
        return m.find() ? m.group(1) : "";
    }
}
