package io.vakit.spec.engine;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The textual form of an action: {@code name#label(arg,arg,...)}; the label and the arguments are optional.
 * Arguments are longs, so every action replays exactly.
 *
 * @param name the action's name
 * @param label the label, or -1
 * @param args the arguments
 */
public record Encoded(String name, int label, long[] args) {
    private static final Pattern FORM = Pattern.compile("([a-zA-Z][a-zA-Z0-9_-]*)(?:#(\\d+))?(?:\\(([^)]*)\\))?");

    /** Formats an action. */
    public static String format(String name, int label, long... args) {
        StringBuilder s = new StringBuilder(name);
        if (label >= 0) {
            s.append('#').append(label);
        }
        s.append('(');
        for (int i = 0; i < args.length; i++) {
            s.append(i == 0 ? "" : ",").append(args[i]);
        }
        return s.append(')').toString();
    }

    /**
     * Parses one action's text.
     *
     * @throws IllegalArgumentException when the text is not of the form {@code name#label(args)}
     */
    public static Encoded parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not an action: '" + text + "' (expected name#label(arg,...))");
        }
        int label = m.group(2) == null ? -1 : Integer.parseInt(m.group(2));
        String list = m.group(3);
        long[] args = list == null || list.isBlank() ? new long[0]
                : Arrays.stream(list.split(",")).map(String::strip).mapToLong(Long::parseLong).toArray();
        return new Encoded(m.group(1), label, args);
    }

    /** Argument {@code i}. */
    public long arg(int i) {
        return args[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Encoded e && e.name.equals(name) && e.label == label && Arrays.equals(e.args, args);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + label * 17 + Arrays.hashCode(args);
    }

    @Override
    public String toString() {
        return format(name, label, args);
    }
}
