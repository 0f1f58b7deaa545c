package io.vakit.kit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables of a kit run, rendered from its {@code report.json} ({@link ReportFiles}) into the documents that show
 * them: a document marks each with {@code <!-- report:NAME -->} ... {@code <!-- /report -->}, and {@link #refresh}
 * rewrites the ones this run can render, leaving the others. The tables:
 *
 * <ul>
 *   <li>{@code main-job}: per implementation, its verdict, chains, actions, checked operations and rate, states
 *       reached, and the rules that failed;
 *   <li>{@code rules}: every rule's result for every implementation, side by side;
 *   <li>{@code rules-<design>}: one implementation's rules, result, checks and note;
 *   <li>{@code states}: per implementation, the states its run reached of those it had to, by kind;
 *   <li>{@code hardening}: what each native library does itself with each misuse, with what it showed;
 *   <li>{@code hardening-summary}: the same, the response alone.
 * </ul>
 *
 * <p>{@code ReportTables <report.json> <document>...} rewrites the documents; a test keeps them equal to what the saved
 * report renders, so a figure never drifts from the run it came from.
 */
public final class ReportTables {
    private static final Pattern REGION = Pattern.compile("(<!-- report:([a-z0-9.-]+) -->\\n)(.*?)(<!-- /report -->)",
            Pattern.DOTALL);

    private ReportTables() {}

    /** Every table {@code reports} can render, by name. */
    public static Map<String, String> render(List<Map<String, Object>> reports) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("main-job", mainJob(reports));
        out.put("rules", ruleMatrix(reports));
        for (Map<String, Object> r : reports) {
            out.put("rules-" + r.get("design"), rules(r));
        }
        out.put("states", states(reports));
        out.put("hardening", hardening(reports, true));
        out.put("hardening-summary", hardening(reports, false));
        return out;
    }

    /** {@code document} with every region a table of {@code tables} names rewritten; other regions as they were. */
    public static String refresh(String document, Map<String, String> tables) {
        Matcher m = REGION.matcher(document);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String table = tables.get(m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(table == null ? m.group() : m.group(1) + table
                    + m.group(4)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The names of the report regions {@code document} marks. */
    public static List<String> regions(String document) {
        List<String> out = new ArrayList<>();
        Matcher m = REGION.matcher(document);
        while (m.find()) {
            out.add(m.group(2));
        }
        return out;
    }

    /** Rewrites the documents from the report: {@code ReportTables <report.json> <document>...}. */
    public static void main(String[] args) throws IOException {
        Map<String, String> tables = render(ReportJson.reports(Files.readString(Path.of(args[0]))));
        for (int i = 1; i < args.length; i++) {
            Path doc = Path.of(args[i]);
            String text = Files.readString(doc);
            String fresh = refresh(text, tables);
            System.out.println(doc + (fresh.equals(text) ? ": up to date" : ": rewritten"));
            Files.writeString(doc, fresh);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> r, String key) {
        return (List<Map<String, Object>>) r.get(key);
    }

    private static long number(Object o) {
        return ((Number) o).longValue();
    }

    private static String mainJob(List<Map<String, Object>> reports) {
        StringBuilder s = new StringBuilder("| implementation | verdict | chains | actions | checked operations | per second "
                + "| processes | states reached | failed |\n|---|---|---|---|---|---|---|---|---|\n");
        for (Map<String, Object> r : reports) {
            long millis = Math.max(1, number(r.get("millis")));
            List<Map<String, Object>> states = list(r, "states");
            long reached = states.stream().filter(x -> number(x.get("reached")) > 0).count();
            List<String> failed = list(r, "rules").stream().filter(x -> x.get("status").equals("FAIL"))
                    .map(x -> (String) x.get("id")).toList();
            s.append("| `").append(r.get("design")).append("` | ").append(Boolean.TRUE.equals(r.get("passed")) ? "PASS"
                    : "**FAIL**").append(" | ").append(r.get("chains")).append(" | ").append(group(number(r.get("actions"))))
                    .append(" | ").append(group(number(r.get("operations")))).append(" | ")
                    .append(group(number(r.get("operations")) * 1000 / millis / 100 * 100)).append(" | ")
                    .append(number(r.get("workers"))).append(" | ").append(reached).append(" of ").append(states.size())
                    .append(" | ").append(failed.isEmpty() ? "" : String.join(", ", failed)).append(" |\n");
        }
        return s.toString();
    }

    private static String rules(Map<String, Object> r) {
        StringBuilder s = new StringBuilder("| rule | clause | result | checks | note |\n|---|---|---|---|---|\n");
        for (Map<String, Object> rule : list(r, "rules")) {
            String note = String.valueOf(rule.get("note"));
            if (rule.get("status").equals("FAIL")) {
                note = note.lines().findFirst().orElse("");
            }
            s.append("| ").append(rule.get("id")).append(" | ").append(rule.get("clause")).append(" | ")
                    .append(rule.get("status")).append(" | ").append(group(number(rule.get("checks")))).append(" | ")
                    .append(note.replace("|", "\\|")).append(" |\n");
        }
        return s.toString();
    }

    private static String ruleMatrix(List<Map<String, Object>> reports) {
        StringBuilder s = new StringBuilder("| rule |");
        reports.forEach(r -> s.append(" `").append(r.get("design")).append("` |"));
        s.append("\n|---|").append("---|".repeat(reports.size())).append('\n');
        for (Map<String, Object> rule : list(reports.getFirst(), "rules")) {
            Object id = rule.get("id");
            s.append("| ").append(id).append(' ').append(rule.get("clause")).append(" |");
            for (Map<String, Object> r : reports) {
                String status = list(r, "rules").stream().filter(x -> x.get("id").equals(id))
                        .map(x -> (String) x.get("status")).findFirst().orElse("-");
                s.append(' ').append(status.equals("FAIL") ? "**FAIL**" : status).append(" |");
            }
            s.append('\n');
        }
        return s.toString();
    }

    /** The kinds of state, in the order of spec/contract.md's coverage table: a column name and the names' prefixes. */
    private static final List<Map.Entry<String, List<String>>> STATE_KINDS = List.of(
            Map.entry("class edges", List.of("edge ", "beyond")),
            Map.entry("alignments", List.of("aligned")),
            Map.entry("reallocs", List.of("realloc")),
            Map.entry("bursts", List.of("burst")),
            Map.entry("containers full, freed from, emptied", List.of("full ", "free from a full", "emptied")),
            Map.entry("other thread", List.of("freed from another")),
            Map.entry("slack", List.of("slack")),
            Map.entry("idle bound", List.of("idle")),
            Map.entry("families", List.of("allocated in a family")),
            Map.entry("injected fault", List.of("injected")),
            Map.entry("exhaustion, recovery", List.of("small configuration")));

    private static String states(List<Map<String, Object>> reports) {
        StringBuilder s = new StringBuilder("| implementation |");
        STATE_KINDS.forEach(k -> s.append(' ').append(k.getKey()).append(" |"));
        s.append(" other | all |\n|---|").append("---|".repeat(STATE_KINDS.size() + 2)).append('\n');
        for (Map<String, Object> r : reports) {
            List<Map<String, Object>> states = list(r, "states");
            s.append("| `").append(r.get("design")).append("` |");
            boolean[] claimed = new boolean[states.size()];
            for (Map.Entry<String, List<String>> kind : STATE_KINDS) {
                s.append(' ').append(cell(states, kind.getValue(), claimed)).append(" |");
            }
            long otherTotal = 0;
            long otherReached = 0;
            for (int i = 0; i < states.size(); i++) {
                if (!claimed[i]) {
                    otherTotal++;
                    otherReached += number(states.get(i).get("reached")) > 0 ? 1 : 0;
                }
            }
            long reached = states.stream().filter(x -> number(x.get("reached")) > 0).count();
            s.append(' ').append(otherTotal == 0 ? "-" : otherReached + " of " + otherTotal).append(" | ")
                    .append(reached).append(" of ").append(states.size()).append(" |\n");
        }
        return s.toString();
    }

    /** "reached of required" for the states whose names start with one of {@code prefixes}; "-" for none. */
    private static String cell(List<Map<String, Object>> states, List<String> prefixes, boolean[] claimed) {
        long total = 0;
        long reached = 0;
        for (int i = 0; i < states.size(); i++) {
            String name = (String) states.get(i).get("state");
            if (!claimed[i] && prefixes.stream().anyMatch(name::startsWith)) {
                claimed[i] = true;
                total++;
                reached += number(states.get(i).get("reached")) > 0 ? 1 : 0;
            }
        }
        return total == 0 ? "-" : reached + " of " + total;
    }

    private static String hardening(List<Map<String, Object>> reports, boolean details) {
        List<Map<String, Object>> natives = reports.stream().filter(r -> !list(r, "hardening").isEmpty()).toList();
        if (natives.isEmpty()) {
            return "(no native library in this run)\n";
        }
        StringBuilder s = new StringBuilder("| misuse |");
        natives.forEach(r -> s.append(" `").append(r.get("design")).append("` |"));
        s.append("\n|---|").append("---|".repeat(natives.size())).append('\n');
        for (Map<String, Object> h : list(natives.getFirst(), "hardening")) {
            String misuse = (String) h.get("misuse");
            s.append("| ").append(misuse).append(" |");
            for (Map<String, Object> r : natives) {
                Map<String, Object> cell = list(r, "hardening").stream().filter(x -> x.get("misuse").equals(misuse))
                        .findFirst().orElse(Map.of("response", "-", "detail", ""));
                String response = String.valueOf(cell.get("response")).replace('_', ' ');
                String detail = String.valueOf(cell.get("detail")).replace("|", "\\|");
                s.append(' ').append(response).append(!details || detail.isEmpty() ? "" : ": " + detail).append(" |");
            }
            s.append('\n');
        }
        return s.toString();
    }

    /** {@code 1234567} as {@code 1,234,567}. */
    private static String group(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }
}
