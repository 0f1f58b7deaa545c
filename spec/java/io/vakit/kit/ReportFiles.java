package io.vakit.kit;

import io.vakit.spec.engine.Replay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes a kit run as {@code report.md} and {@code report.json}: per implementation and rule, the status, the
 * number of checks, the reason of a skip, and for a failure its shrunk chain and replay string.
 */
public final class ReportFiles {
    private ReportFiles() {}

    /** Writes both files into {@code dir} (created if needed); returns their paths. */
    public static List<Path> write(List<ContractReport> reports, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path md = dir.resolve("report.md");
        Path json = dir.resolve("report.json");
        Files.writeString(md, markdown(reports));
        Files.writeString(json, json(reports));
        return List.of(md, json);
    }

    /** The Markdown form. */
    public static String markdown(List<ContractReport> reports) {
        StringBuilder s = new StringBuilder("# vakit conformance report\n\n");
        for (ContractReport r : reports) {
            s.append("## ").append(r.design()).append(": ").append(r.passed() ? "PASS" : "FAIL").append("\n\n")
                    .append(r.title()).append("\n\n")
                    .append(r.summary()).append("\n\n| rule | clause | result | checks | note |\n|---|---|---|---|---|\n");
            for (RuleResult rr : r.rules()) {
                s.append("| [").append(rr.rule().id()).append("](../../").append(rr.rule().specLink()).append(") | ")
                        .append(rr.rule().title()).append(" | ").append(rr.status()).append(" | ").append(rr.checks())
                        .append(" | ").append(rr.detail().replace("|", "\\|")).append(" |\n");
            }
            s.append("\n| state | reached |\n|---|---|\n");
            r.states().forEach((state, n) -> s.append("| ").append(state).append(" | ")
                    .append(n > 0 ? String.valueOf(n) : "UNCHECKED").append(" |\n"));
            if (!r.hardening().isEmpty()) {
                s.append("\nHardening: the implementation itself, without the binding's guard.\n\n"
                        + "| misuse | response | what it did |\n|---|---|---|\n");
                r.hardening().forEach(h -> s.append("| ").append(h.misuse()).append(" | ")
                        .append(ContractReport.label(h.response())).append(" | ").append(h.detail().replace("|", "\\|"))
                        .append(" |\n"));
            }
            if (!r.verdict().passed()) {
                s.append("\n```\n").append(r.verdict().describe()).append("```\n");
            }
            s.append('\n');
        }
        return s.toString();
    }

    /** The JSON form. */
    public static String json(List<ContractReport> reports) {
        StringBuilder s = new StringBuilder("{\"reports\":[");
        for (int i = 0; i < reports.size(); i++) {
            ContractReport r = reports.get(i);
            s.append(i == 0 ? "" : ",").append("{\"design\":").append(str(r.design())).append(",\"title\":")
                    .append(str(r.title())).append(",\"passed\":")
                    .append(r.passed()).append(",\"chains\":").append(r.verdict().chainsRun()).append(",\"actions\":")
                    .append(r.verdict().actionsRun()).append(",\"millis\":").append(r.verdict().elapsed().toMillis())
                    .append(",\"operations\":").append(r.operations()).append(",\"largest\":").append(r.largest())
                    .append(",\"seed\":").append(r.verdict().settings().seed()).append(",\"workers\":")
                    .append(r.workers()).append(",\"isolation\":").append(str(r.isolation())).append(",\"rules\":[");
            for (int k = 0; k < r.rules().size(); k++) {
                RuleResult rr = r.rules().get(k);
                s.append(k == 0 ? "" : ",").append("{\"id\":").append(str(rr.rule().id())).append(",\"clause\":")
                        .append(str(rr.rule().title())).append(",\"spec\":").append(str(rr.rule().specLink()))
                        .append(",\"status\":").append(str(rr.status().name())).append(",\"checks\":")
                        .append(rr.checks()).append(",\"note\":").append(str(rr.detail())).append('}');
            }
            s.append("],\"states\":[");
            int k = 0;
            for (var e : r.states().entrySet()) {
                s.append(k++ == 0 ? "" : ",").append("{\"state\":").append(str(e.getKey())).append(",\"reached\":")
                        .append(e.getValue()).append('}');
            }
            s.append("],\"hardening\":[");
            for (int h = 0; h < r.hardening().size(); h++) {
                var m = r.hardening().get(h);
                s.append(h == 0 ? "" : ",").append("{\"misuse\":").append(str(m.misuse())).append(",\"response\":")
                        .append(str(m.response().name())).append(",\"detail\":").append(str(m.detail())).append('}');
            }
            s.append("],\"failures\":[");
            for (int f = 0; f < r.verdict().failures().size(); f++) {
                var fail = r.verdict().failures().get(f);
                s.append(f == 0 ? "" : ",").append("{\"rule\":").append(str(fail.violation().rule()))
                        .append(",\"message\":").append(str(fail.violation().getMessage())).append(",\"chain\":[");
                for (int c = 0; c < fail.chain().size(); c++) {
                    s.append(c == 0 ? "" : ",").append(str(fail.chain().get(c)));
                }
                s.append("],\"replay\":").append(str(fail.replay())).append(",\"junit\":")
                        .append(str(Replay.junitTest(fail.replay()))).append('}');
            }
            s.append(']');
            s.append('}');
        }
        return s.append("]}\n").toString();
    }

    private static String str(String v) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.append('"').toString();
    }
}
