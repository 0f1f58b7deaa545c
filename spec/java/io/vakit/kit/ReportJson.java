package io.vakit.kit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads what {@link ReportFiles#json} writes (objects, arrays, strings, numbers, booleans, null) into maps, lists,
 * strings, longs, doubles and booleans: for the tables generated from a run's {@code report.json}. Not a general JSON
 * library: it reads valid JSON and refuses anything else with the offset.
 */
public final class ReportJson {
    private final String text;
    private int at;

    private ReportJson(String text) {
        this.text = text;
    }

    /** The value {@code text} holds. */
    public static Object parse(String text) {
        ReportJson r = new ReportJson(text);
        Object v = r.value();
        r.space();
        if (r.at != text.length()) {
            throw r.error("trailing text");
        }
        return v;
    }

    /** The reports of a {@code report.json}, one map each. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> reports(String text) {
        return (List<Map<String, Object>>) ((Map<String, Object>) parse(text)).get("reports");
    }

    private Object value() {
        space();
        if (at >= text.length()) {
            throw error("no value");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> word("true", Boolean.TRUE);
            case 'f' -> word("false", Boolean.FALSE);
            case 'n' -> word("null", null);
            default -> number();
        };
    }

    private Map<String, Object> object() {
        Map<String, Object> out = new LinkedHashMap<>();
        at++;
        space();
        if (peek('}')) {
            return out;
        }
        do {
            space();
            String key = string();
            space();
            expect(':');
            out.put(key, value());
            space();
        } while (peek(','));
        expect('}');
        return out;
    }

    private List<Object> array() {
        List<Object> out = new ArrayList<>();
        at++;
        space();
        if (peek(']')) {
            return out;
        }
        do {
            out.add(value());
            space();
        } while (peek(','));
        expect(']');
        return out;
    }

    private String string() {
        expect('"');
        StringBuilder s = new StringBuilder();
        while (at < text.length() && text.charAt(at) != '"') {
            char c = text.charAt(at++);
            if (c == '\\') {
                char e = text.charAt(at++);
                switch (e) {
                    case 'n' -> s.append('\n');
                    case 't' -> s.append('\t');
                    case 'r' -> s.append('\r');
                    case 'b' -> s.append('\b');
                    case 'f' -> s.append('\f');
                    case 'u' -> {
                        s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> s.append(e);
                }
            } else {
                s.append(c);
            }
        }
        expect('"');
        return s.toString();
    }

    private Object number() {
        int start = at;
        while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String n = text.substring(start, at);
        if (n.isEmpty()) {
            throw error("unexpected character");
        }
        return n.contains(".") || n.contains("e") || n.contains("E") ? (Object) Double.parseDouble(n)
                : (Object) Long.parseLong(n);
    }

    private Object word(String w, Object v) {
        if (!text.startsWith(w, at)) {
            throw error("expected " + w);
        }
        at += w.length();
        return v;
    }

    private void space() {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
    }

    private boolean peek(char c) {
        if (at < text.length() && text.charAt(at) == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("report JSON, offset " + at + ": " + what);
    }
}
