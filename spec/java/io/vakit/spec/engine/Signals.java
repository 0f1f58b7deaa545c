package io.vakit.spec.engine;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Names how a worker process ended, from its exit status and what the JVM printed when it caught a signal. */
final class Signals {
    private static final Map<Integer, String> NAMES = Map.of(4, "SIGILL", 6, "SIGABRT", 7, "SIGBUS", 8, "SIGFPE",
            9, "SIGKILL", 11, "SIGSEGV", 15, "SIGTERM", 5, "SIGTRAP");
    /** The JVM's fatal-error header: {@code # SIGSEGV (0xb) at pc=...}. */
    private static final Pattern CAUGHT = Pattern.compile("#\\s+(SIG[A-Z]+) \\(0x[0-9a-f]+\\)");
    /** The frame the JVM blames: {@code # C  [libfoo.so+0x1409]  foo_malloc+0x67}. */
    private static final Pattern FRAME = Pattern.compile("# Problematic frame:\\s*\\n#\\s*(.+)");

    private Signals() {}

    /**
     * How a process that exited with {@code exit} ended: the signal the JVM caught in native code (it then aborts),
     * the signal that killed it ({@code 128 + n}), or its exit status.
     */
    static String describe(int exit, String stderr) {
        Matcher m = CAUGHT.matcher(stderr);
        if (m.find()) {
            Matcher f = FRAME.matcher(stderr);
            return m.group(1) + (f.find() ? " in " + f.group(1).strip() : "") + " (the JVM caught it in native code and"
                    + " ended with exit " + exit + ")";
        }
        if (exit > 128 && exit < 160) {
            return NAMES.getOrDefault(exit - 128, "signal " + (exit - 128)) + " (exit " + exit + ")";
        }
        return "exit status " + exit + " without a verdict";
    }

    /**
     * The evidence worth printing from a dead worker's stderr: the JVM's fatal-error header when it caught a signal
     * (its own tail is boilerplate), else the last {@code max} characters, where a library's abort message is.
     */
    static String evidence(String stderr, int max) {
        int header = stderr.indexOf("# A fatal error has been detected");
        if (header >= 0) {
            int end = stderr.indexOf("#\n", stderr.indexOf("# Problematic frame", header) + 1);
            return stderr.substring(header, end < 0 ? Math.min(stderr.length(), header + max) : end).strip();
        }
        return stderr.substring(Math.max(0, stderr.length() - max)).strip();
    }
}
