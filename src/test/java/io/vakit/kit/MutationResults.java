package io.vakit.kit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The kit's mutation scores, rendered from what PIT wrote: each design's {@code mutations.csv}, saved as
 * {@code spec/results/mutation/<design>.csv}, the facts of its run ({@code runs.tsv}: date, commit, minutes, how) and
 * the reasons written down for undetected mutants ({@code reasons.tsv}: design, {@code Class.method}, mutator or
 * {@code *}, line or {@code *}, reason; lines are the run's). A mutant without a reason is a gap in the kit, never an
 * equivalent.
 */
final class MutationResults {
    static final Path DIR = Path.of("spec/results/mutation");
    private static final Set<String> DETECTED = Set.of("KILLED", "TIMED_OUT", "MEMORY_ERROR", "RUN_ERROR");

    /** One mutant: where it is, what it changed, and whether the kit saw it. */
    record Mutant(String method, String mutator, int line, String status) {
        boolean detected() {
            return DETECTED.contains(status);
        }
    }

    /**
     * A reason written down for the undetected mutants of {@code method} made by {@code mutator} at {@code line} (each
     * {@code *}: any).
     */
    record Reason(String method, String mutator, String line, String text) {
        boolean covers(Mutant m) {
            return method.equals(m.method()) && (mutator.equals("*") || mutator.equals(m.mutator()))
                    && (line.equals("*") || line.equals(String.valueOf(m.line())));
        }
    }

    /** One design's run: its mutants, and its facts from runs.tsv. */
    record Run(String design, List<Mutant> mutants, String date, String commit, String minutes, String how,
            List<Reason> reasons) {
        long detected() {
            return mutants.stream().filter(Mutant::detected).count();
        }

        List<Mutant> undetected() {
            return mutants.stream().filter(m -> !m.detected()).toList();
        }

        String reasonFor(Mutant m) {
            return reasons.stream().filter(r -> r.covers(m)).map(Reason::text).findFirst().orElse(null);
        }

        /**
         * The undetected mutants no black-box check can kill, each with its reason written. A reason that starts with
         * {@value #GAP} explains a gap (why the kit misses it, and what would kill it) and does not count here.
         */
        long explained() {
            return undetected().stream().filter(m -> reasonFor(m) != null && !reasonFor(m).startsWith(GAP)).count();
        }
    }

    /** The prefix of a reason that explains a gap: a mutant a black-box check could kill, and the kit does not. */
    static final String GAP = "gap: ";

    private MutationResults() {}

    /** Every design with a line in runs.tsv, in its order. */
    static List<Run> runs() throws IOException {
        List<Reason> reasons = new ArrayList<>();
        Map<String, List<Reason>> byDesign = new LinkedHashMap<>();
        for (String[] f : tsv(DIR.resolve("reasons.tsv"))) {
            byDesign.computeIfAbsent(f[0], d -> new ArrayList<>()).add(new Reason(f[1], f[2], f[3], f[4]));
        }
        List<Run> runs = new ArrayList<>();
        for (String[] f : tsv(DIR.resolve("runs.tsv"))) {
            List<Mutant> mutants = new ArrayList<>();
            for (String line : Files.readAllLines(DIR.resolve(f[0] + ".csv"))) {
                String[] c = line.split(",", 7);
                String cls = c[1].substring(c[1].lastIndexOf('.') + 1);
                String mutator = c[2].substring(c[2].lastIndexOf('.') + 1).replace("Mutator", "");
                mutants.add(new Mutant(cls + "." + c[3], mutator, Integer.parseInt(c[4]), c[5]));
            }
            runs.add(new Run(f[0], mutants, f[1], f[2], f[3], f[4],
                    byDesign.getOrDefault(f[0], reasons)));
        }
        return runs;
    }

    private static List<String[]> tsv(Path p) throws IOException {
        return Files.readAllLines(p).stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("\t", -1)).toList();
    }

    /** {@code part} of {@code whole} in percent, cut to one decimal (84.57 is 84.5): never rounded up to a goal. */
    static String percent(long part, long whole) {
        return String.format(java.util.Locale.ROOT, "%.1f", Math.floor(1000.0 * part / whole) / 10);
    }

    /** The scores, one row per design. */
    static String scores(List<Run> runs) {
        StringBuilder t = new StringBuilder("| design | detected / mutants | score | score over the mutants a black-box"
                + " check could kill | undetected: unkillable, with its reason / gaps | measured | time |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (Run r : runs) {
            long n = r.mutants().size();
            t.append("| `").append(r.design()).append("` | ").append(r.detected()).append(" / ").append(n)
                    .append(" | **").append(percent(r.detected(), n)).append("%** | ")
                    .append(percent(r.detected(), n - r.explained())).append("% (")
                    .append(r.detected()).append(" / ").append(n - r.explained()).append(") | ")
                    .append(r.explained()).append(" / ").append(r.undetected().size() - r.explained()).append(" | ")
                    .append(r.date()).append(", `").append(r.commit()).append("`, ").append(r.how()).append(" | ")
                    .append(r.minutes()).append(" min |\n");
        }
        return t.toString();
    }

    /** A design's undetected mutants by method: how many, which mutators and lines, and why they survive. */
    static String survivors(Run run) {
        Map<String, List<Mutant>> byMethod = new TreeMap<>();
        for (Mutant m : run.undetected()) {
            byMethod.computeIfAbsent(m.method(), k -> new ArrayList<>()).add(m);
        }
        StringBuilder t = new StringBuilder("| method | undetected | mutators (line) | why it survives |\n"
                + "|---|---|---|---|\n");
        byMethod.forEach((method, ms) -> {
            Map<String, List<String>> reasons = new LinkedHashMap<>();
            for (Mutant m : ms) {
                String why = run.reasonFor(m);
                reasons.computeIfAbsent(why == null ? "**no reason written: a gap**" : why.startsWith(GAP)
                        ? "**a gap:** " + why.substring(GAP.length()) : why, k -> new ArrayList<>())
                        .add(m.mutator() + (m.status().equals("NO_COVERAGE") ? ", never reached" : "") + " (" + m.line()
                                + ")");
            }
            reasons.forEach((why, list) -> t.append("| `").append(method).append("` | ").append(list.size())
                    .append(" | ").append(String.join(", ", list)).append(" | ").append(why).append(" |\n"));
        });
        return t.toString();
    }
}
