package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spec.engine.Machines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kit judges allocators it was not shaped around. The outsider corpus ({@link OutsiderJars}: a TLSF, a binary
 * buddy, a mapper that puts every block against a guard page, segregated slabs with non-power-of-two classes and no
 * small configuration), each in a jar of its own, goes through the main job as a user runs it (a child JVM, the jars
 * named by {@code -Dvakit.classpath}, the default settings): every one PASSES, with the rules it cannot exercise
 * SKIPPED for a reason. Each one's planted bug, written as its author would make it, is rejected by the rule that
 * names it, with a chain that replays; the mapper's kills the process, and that is a C0 verdict. The corpus table of
 * spec/results.md is what these runs report ({@code -Dvakit.updateSpec=true} rewrites it).
 */
class OutsiderCorpusTest {
    private static final Path RESULTS = Path.of("spec/results.md");
    private static MainJob corpus;
    private static MainJob planted;

    /** What one main-job run printed, its exit status, and its report.json. */
    record MainJob(int exit, String output, List<Map<String, Object>> reports) {
        Map<String, Object> report(String design) {
            return reports.stream().filter(r -> r.get("design").equals(design)).findFirst().orElseThrow();
        }

        String lastLine() {
            List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
            return lines.getLast();
        }
    }

    @BeforeAll
    static void runTheMainJob() throws Exception {
        corpus = mainJob("corpus", OutsiderJars.CORPUS.stream().map(OutsiderJars.Outsider::provider).toList());
        planted = mainJob("planted", OutsiderJars.CORPUS.stream().map(OutsiderJars.Outsider::planted).toList());
    }

    @AfterEach
    void clear() {
        System.clearProperty("vakit.impl");
        System.clearProperty("vakit.classpath");
    }

    /** The main job, in a child JVM of the compiled kit alone, on {@code classes} from the corpus's jars. */
    static MainJob mainJob(String run, List<String> classes) throws Exception {
        Path dir = Files.createDirectories(Path.of("target/outsiders/report-" + run));
        Path main = Path.of(io.vakit.spi.AllocatorProvider.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dvakit.classpath=" + OutsiderJars.classPath(),
                "-Dvakit.report.dir=" + dir, "-cp", main.toString(), KitMain.class.getName()));
        cmd.addAll(classes);
        Path out = dir.resolve("output.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(900, TimeUnit.SECONDS)).as("the main job finished").isTrue();
        String output = Files.readString(out);
        System.out.println("main job on the " + run + ":\n" + output.lines().filter(l -> l.startsWith("vakit:")
                || l.contains(": PASS (") || l.contains(": FAIL (")).reduce("", (a, b) -> a + b + "\n"));
        return new MainJob(p.exitValue(), output, ReportJson.reports(Files.readString(dir.resolve("report.json"))));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> statuses(Map<String, Object> report) {
        Map<String, String> out = new java.util.LinkedHashMap<>(); // in the report's order: C0 .. T1
        for (Object r : (List<Object>) report.get("rules")) {
            Map<String, Object> rule = (Map<String, Object>) r;
            out.put((String) rule.get("id"), (String) rule.get("status"));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static String note(Map<String, Object> report, String id) {
        return ((List<Object>) report.get("rules")).stream().map(r -> (Map<String, Object>) r)
                .filter(r -> r.get("id").equals(id)).map(r -> (String) r.get("note")).findFirst().orElseThrow();
    }

    @Test
    void everyOutsiderPassesTheMainJobWithTheDefaults() {
        assertThat(corpus.exit()).as(corpus.output()).isZero();
        assertThat(corpus.lastLine()).startsWith("vakit: 4 passed, 0 failed; report: ");
        for (OutsiderJars.Outsider o : OutsiderJars.CORPUS) {
            Map<String, Object> report = corpus.report(o.name());
            assertThat(report.get("passed")).as(o.name()).isEqualTo(true);
            Map<String, String> rules = statuses(report);
            assertThat(rules).as(o.name()).doesNotContainValue("FAIL").doesNotContainValue("UNCHECKED").doesNotContainValue("BINDING")
                    .containsEntry("C0", "PASS") // its chains ran in a run worker, where a crash is a verdict
                    .containsEntry("T1", "PASS");
        }
        assertThat(statuses(corpus.report("tlsf"))).containsEntry("C12", "PASS"); // a small configuration
        for (String noSmall : List.of("mapper", "slabs")) {
            assertThat(statuses(corpus.report(noSmall))).containsEntry("C12", "SKIPPED");
            assertThat(note(corpus.report(noSmall), "C12")).startsWith("no small configuration, and no request was "
                    + "refused");
        }
    }

    static Stream<OutsiderJars.Outsider> corpus() {
        return OutsiderJars.CORPUS.stream();
    }

    @ParameterizedTest(name = "{0}: its planted bug is rejected")
    @MethodSource("corpus")
    @SuppressWarnings("unchecked")
    void eachPlantedBugIsRejectedByTheRuleThatNamesIt(OutsiderJars.Outsider o) throws IOException {
        assertThat(planted.exit()).as(planted.output()).isEqualTo(1);
        assertThat(planted.lastLine()).startsWith("vakit: 0 passed, 4 failed (");
        String id = (String) planted.reports().get(OutsiderJars.CORPUS.indexOf(o)).get("design");
        Map<String, Object> report = planted.report(id);
        assertThat(statuses(report)).as(id).containsEntry(o.rule(), "FAIL");
        Map<String, Object> failure = ((List<Object>) report.get("failures")).stream().map(f -> (Map<String, Object>) f)
                .filter(f -> ((String) f.get("rule")).startsWith(o.rule() + " ")).findFirst().orElseThrow();
        assertThat((List<Object>) failure.get("chain")).as("shrunk").hasSizeLessThanOrEqualTo(10);
        System.setProperty("vakit.impl", o.planted());
        System.setProperty("vakit.classpath", OutsiderJars.classPath());
        assertThat(Machines.replay((String) failure.get("replay")).violation().rule()).as("the replay, in a fresh "
                + "worker").startsWith(o.rule() + " ");
    }

    /** The mapper's planted bug kills its process: a C0 verdict that names the signal, shrunk in fresh workers. */
    @Test
    @SuppressWarnings("unchecked")
    void aJavaImplementationThatCrashesTheProcessGetsACrashVerdict() {
        Map<String, Object> report = planted.report("mapper-page-zeroing");
        Map<String, Object> crash = ((List<Object>) report.get("failures")).stream().map(f -> (Map<String, Object>) f)
                .filter(f -> f.get("rule").equals("C0 survives")).findFirst().orElseThrow();
        assertThat((String) crash.get("message")).contains("died by SIGSEGV").contains("libc")
                .containsPattern("callocN?#"); // either calloc step: the pages it zeroes are what crash
        assertThat((List<Object>) crash.get("chain")).hasSizeLessThanOrEqualTo(4);
    }

    /** The results' corpus table is what these runs reported. */
    @Test
    void theResultsCorpusTableIsWhatTheRunsReported() throws IOException {
        // a shrunk chain's length is one run's: it is left out of the comparison
        GeneratedRegions.keep(RESULTS, Map.of("outsider-corpus", table()), "OutsiderCorpusTest",
                t -> t.replaceAll("\\((\\d+) actions?\\)", "(a shrunk chain)"));
    }

    /** The corpus table: each outsider, its verdict, what was skipped and why, its planted bug and what caught it. */
    @SuppressWarnings("unchecked")
    static String table() {
        StringBuilder s = new StringBuilder("| outsider | shape | verdict | rules passed | skipped, and why | states "
                + "reached | planted bug | rejected by |\n|---|---|---|---|---|---|---|---|\n");
        for (int i = 0; i < OutsiderJars.CORPUS.size(); i++) {
            Map<String, Object> r = corpus.reports().get(i);
            Map<String, Object> bug = planted.reports().get(i);
            Map<String, String> rules = statuses(r);
            List<String> notDeclared = new ArrayList<>();
            List<String> other = new ArrayList<>();
            for (var e : rules.entrySet()) {
                if (e.getValue().equals("SKIPPED")) {
                    String why = note(r, e.getKey());
                    Matcher nd = Pattern.compile("does not declare ([A-Z_]+)").matcher(why);
                    if (nd.find()) {
                        notDeclared.add(e.getKey());
                    } else {
                        other.add(e.getKey() + ": " + why.replaceFirst(" in \\d+ chains \\(its largest block is \\d+ "
                                + "bytes\\)", "").replaceFirst("design '[^']+' does not declare a seed design whose "
                                + "layout it follows", "follows no seed design"));
                    }
                }
            }
            List<Object> states = (List<Object>) r.get("states");
            long reached = states.stream().filter(x -> ((Number) ((Map<String, Object>) x).get("reached")).longValue() > 0)
                    .count();
            List<String> failed = statuses(bug).entrySet().stream().filter(e -> e.getValue().equals("FAIL"))
                    .map(Map.Entry::getKey).toList();
            String rule = OutsiderJars.CORPUS.get(i).rule();
            int length = ((List<Object>) ((List<Object>) bug.get("failures")).stream().map(f -> (Map<String, Object>) f)
                    .filter(f -> ((String) f.get("rule")).startsWith(rule + " ")).findFirst().orElseThrow().get("chain"))
                    .size();
            s.append("| `").append(r.get("design")).append("` | ").append(r.get("title")).append(" | ")
                    .append(Boolean.TRUE.equals(r.get("passed")) ? "PASS" : "FAIL").append(" | ")
                    .append(rules.values().stream().filter("PASS"::equals).count()).append(" | ")
                    .append(notDeclared.isEmpty() ? "" : String.join(", ", notDeclared) + ": not declared")
                    .append(other.isEmpty() ? "" : (notDeclared.isEmpty() ? "" : "; ") + String.join("; ", other))
                    .append(" | ").append(reached).append(" of ").append(states.size()).append(" | ")
                    .append(bug.get("title")).append(" | ").append(rule).append(" (").append(length)
                    .append(length == 1 ? " action" : " actions").append(")")
                    .append(failed.size() > 1 ? "; also " + String.join(", ", failed.stream().filter(f -> !f.equals(rule))
                            .toList()) : "").append(" |\n");
        }
        return s.toString();
    }
}
