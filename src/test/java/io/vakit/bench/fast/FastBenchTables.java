package io.vakit.bench.fast;

import io.vakit.kit.ReportJson;
import io.vakit.kit.ReportTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the {@code partitions-fast} benchmark tables from a JMH run's JSON and the memory lines its trials wrote
 * ({@link MemoryRecord}): the README's summary ({@code fast-bench-summary}) and the full tables of
 * {@code spec/results.md} ({@code fast-bench-time}, {@code fast-bench-memory}). Every figure is a ratio or a time
 * measured in that one run. {@code FastBenchTables <jmh.json> <memory.tsv> <document>...} rewrites the documents'
 * regions; {@code FastBenchTablesTest} fails when they differ from the saved run in {@code spec/results/}.
 */
public final class FastBenchTables {
    /** The subjects, in the columns' order. */
    static final List<String> SUBJECTS = List.of("partitions-fast", "partitions", "glibc", "jemalloc", "mimalloc",
            "arena-confined", "arena-shared", "netty");
    static final List<String> SIZES = List.of("16", "64", "256", "1024", "16384");

    /** One measured figure: the mean and its 99.9% error, in ns per operation. */
    record Score(double mean, double error) {}

    private final Map<String, Score> scores = new LinkedHashMap<>();
    private final Map<String, List<Double>> memory = new LinkedHashMap<>();

    FastBenchTables(String jmhJson, String memoryTsv) {
        for (Object o : (List<?>) ReportJson.parse(jmhJson)) {
            Map<?, ?> run = (Map<?, ?>) o;
            String bench = String.valueOf(run.get("benchmark"));
            Map<?, ?> params = (Map<?, ?>) run.get("params");
            String subject = String.valueOf(params.get("subject"));
            Object size = params.get("size");
            String workload = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            Map<?, ?> metric = (Map<?, ?>) run.get("primaryMetric");
            if (workload.equals("ProducerConsumerBenchmark.handOver")) {
                metric = (Map<?, ?>) ((Map<?, ?>) run.get("secondaryMetrics")).get("produce");
            }
            scores.put(key(workload, size == null ? "" : String.valueOf(size), subject),
                    new Score(number(metric.get("score")), number(metric.get("scoreError"))));
        }
        for (String line : memoryTsv.split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 4) {
                memory.computeIfAbsent(key(f[0], f[2], f[1]), k -> new ArrayList<>()).add(Double.parseDouble(f[3]));
            }
        }
    }

    private static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static String key(String workload, String size, String subject) {
        return workload + "|" + size + "|" + subject;
    }

    private Score score(String workload, String size, String subject) {
        return scores.get(key(workload, size, subject));
    }

    private static String ns(Score s) {
        return s == null ? "-" : String.format(Locale.ROOT, "%.1f", s.mean());
    }

    private static String ratio(Score num, Score den) {
        return num == null || den == null ? "-" : String.format(Locale.ROOT, "%.2f", num.mean() / den.mean());
    }

    /** The rows of the summary: workload label, JMH name, size. */
    private static List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        for (String size : SIZES) {
            rows.add(new String[] {"pair " + label(size) + ", 1 thread", "PairsBenchmark.oneThread", size});
        }
        rows.add(new String[] {"pair 64 B, every CPU", "PairsEveryCpuBenchmark.everyCpu", "64"});
        rows.add(new String[] {"working set, 1 thread", "WorkingSetBenchmark.oneThread", ""});
        rows.add(new String[] {"working set, every CPU", "WorkingSetBenchmark.everyCpu", ""});
        rows.add(new String[] {"producer/consumer 64 B", "ProducerConsumerBenchmark.handOver", ""});
        return rows;
    }

    private static String label(String size) {
        long n = Long.parseLong(size);
        return n >= 1024 ? n / 1024 + " KiB" : n + " B";
    }

    /** The README's table: ns per operation, and glibc's time over partitions-fast's (above 1: faster than glibc). */
    String summary() {
        StringBuilder b = new StringBuilder("| workload (ns per op) | `partitions-fast` | `partitions` | glibc | jemalloc "
                + "| mimalloc | Arena confined | Arena shared | Netty | glibc / fast |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (String[] r : rows()) {
            b.append("| ").append(r[0]);
            for (String subject : List.of("partitions-fast", "partitions", "glibc", "jemalloc", "mimalloc",
                    "arena-confined", "arena-shared", "netty")) {
                b.append(" | ").append(ns(score(r[1], r[2], subject)));
            }
            b.append(" | **").append(ratio(score(r[1], r[2], "glibc"), score(r[1], r[2], "partitions-fast")))
                    .append("** |\n");
        }
        return b.toString();
    }

    /** Every figure with its error, both thread counts. */
    String time() {
        StringBuilder b = new StringBuilder("| benchmark | size |");
        SUBJECTS.forEach(s -> b.append(" `").append(s).append("` |"));
        b.append("\n|---|---|").append("---|".repeat(SUBJECTS.size())).append('\n');
        List<String[]> all = new ArrayList<>();
        for (String size : SIZES) {
            all.add(new String[] {"PairsBenchmark.oneThread", size});
        }
        for (String size : List.of("64")) {
            all.add(new String[] {"PairsEveryCpuBenchmark.everyCpu", size});
        }
        all.add(new String[] {"WorkingSetBenchmark.oneThread", ""});
        all.add(new String[] {"WorkingSetBenchmark.everyCpu", ""});
        all.add(new String[] {"ProducerConsumerBenchmark.handOver", ""});
        for (String[] r : all) {
            b.append("| ").append(r[0]).append(" | ").append(r[1].isEmpty() ? "-" : r[1]).append(" |");
            for (String subject : SUBJECTS) {
                Score s = score(r[0], r[1], subject);
                b.append(' ').append(s == null ? "-" : String.format(Locale.ROOT, "%.1f ± %.1f", s.mean(),
                        s.error())).append(" |");
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The median of the forks' figures for {@code key}, or null. */
    private Double median(String key) {
        List<Double> all = memory.get(key);
        if (all == null) {
            return null;
        }
        List<Double> sorted = all.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    /**
     * Committed over live after each workload, where the subject says (the designs' stats, glibc's mallinfo2): the
     * median of the forks. Not after producer/consumer: what is live then is whatever the ring held when it stopped.
     */
    String memory() {
        StringBuilder b = new StringBuilder("| workload | size | `partitions-fast` | `partitions` | fast / plain | glibc "
                + "(whole process) |\n|---|---|---|---|---|---|\n");
        List<String[]> all = new ArrayList<>();
        for (String size : SIZES) {
            all.add(new String[] {"pairs", size});
        }
        all.add(new String[] {"pairs, every CPU", "64"});
        all.add(new String[] {"working set", "0"});
        for (String[] r : all) {
            Double fast = median(key(r[0], r[1], "partitions-fast"));
            Double plain = median(key(r[0], r[1], "partitions"));
            Double glibc = median(key(r[0], r[1], "glibc"));
            b.append("| ").append(r[0]).append(" | ").append(r[1].equals("0") ? "-" : r[1]).append(" | ")
                    .append(fmt(fast)).append(" | ").append(fmt(plain)).append(" | ")
                    .append(fast == null || plain == null ? "-" : fmt(fast / plain)).append(" | ").append(fmt(glibc))
                    .append(" |\n");
        }
        return b.toString();
    }

    private static String fmt(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.2f", d);
    }

    /** The regions this run renders, by name. */
    Map<String, String> tables() {
        return Map.of("fast-bench-summary", summary(), "fast-bench-time", time(), "fast-bench-memory", memory());
    }

    /** {@code <jmh.json> <memory.tsv> <document>...}: rewrites the documents' regions from the run. */
    public static void main(String[] args) throws IOException {
        FastBenchTables t = new FastBenchTables(Files.readString(Path.of(args[0])), Files.readString(Path.of(args[1])));
        for (int i = 2; i < args.length; i++) {
            Path doc = Path.of(args[i]);
            Files.writeString(doc, ReportTables.refresh(Files.readString(doc), t.tables()));
        }
    }
}
