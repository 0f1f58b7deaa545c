package io.vakit.spec.docs;

import io.vakit.spec.contract.Rule;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tables of {@code spec/*.md}, rendered from the code. A document marks each generated table with
 * {@code <!-- table:NAME -->} ... {@code <!-- /table -->}; {@link #refresh} rewrites them, and a test fails when a
 * document differs from what the code renders.
 */
public final class SpecTables {
    private static final Pattern REGION = Pattern.compile("(<!-- table:([a-z0-9-]+) -->\\n)(.*?)(<!-- /table -->)",
            Pattern.DOTALL);
    private static final TreeMap<String, Supplier<String>> TABLES = new TreeMap<>();

    static {
        TABLES.put("contract-rules", SpecTables::rules);
        TABLES.put("implementations", SpecTables::implementations);
        TABLES.put("layout-laws", SpecTables::layoutLaws);
        for (TableSource source : ServiceLoader.load(TableSource.class)) {
            TABLES.putAll(source.tables());
        }
    }

    private SpecTables() {}

    /** The rendered table {@code name}. */
    public static String render(String name) {
        Supplier<String> r = TABLES.get(name);
        if (r == null) {
            throw new IllegalArgumentException("no generated table '" + name + "'; known: " + TABLES.keySet());
        }
        return r.get();
    }

    /** The document with every marked table replaced by what the code renders now. */
    public static String refresh(String document) {
        Matcher m = REGION.matcher(document);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + render(m.group(2)) + m.group(4)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Rewrites every stale table of the Markdown files in {@code dir}; returns the files changed. */
    public static List<Path> refreshAll(Path dir) throws IOException {
        List<Path> changed = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                String text = Files.readString(f);
                String fresh = refresh(text);
                if (!fresh.equals(text)) {
                    Files.writeString(f, fresh);
                    changed.add(f);
                }
            }
        }
        return changed;
    }

    /** Regenerates the tables of {@code spec/}: {@code SpecTables [dir]}. */
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "spec");
        List<Path> changed = refreshAll(dir);
        System.out.println(changed.isEmpty() ? "spec tables are up to date" : "regenerated: " + changed);
    }

    private static String rules() {
        StringBuilder s = new StringBuilder("| id | clause | needs | checked by |\n|---|---|---|---|\n");
        for (Rule r : Rule.values()) {
            s.append("| ").append(r.id()).append(" | ").append(r.title()).append(" | ")
                    .append(r.needs().isEmpty() ? "always" : String.join(", ", r.needs().stream().map(Enum::name).toList()))
                    .append(" | `").append(r.name()).append("` |\n");
        }
        return s.toString();
    }

    private static String layoutLaws() {
        StringBuilder s = new StringBuilder("| design | sizes | levels | arithmetic (B: base, S: segment size) |\n"
                + "|---|---|---|---|\n");
        for (String design : io.vakit.spec.layout.LayoutLaws.designs()) {
            for (var c : io.vakit.spec.layout.LayoutLaws.of(design).orElseThrow().cases()) {
                s.append("| `").append(design).append("` | ").append(c.sizes()).append(" | ").append(c.levels())
                        .append(" | ").append(c.arithmetic()).append(" |\n");
            }
        }
        return s.toString();
    }

    private static String implementations() {
        StringBuilder s = new StringBuilder("| design | follows | alignment (16 B request) | max alignment | max block |");
        for (Feature f : Feature.values()) {
            s.append(' ').append(f.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).append(" |");
        }
        s.append("\n|---|---|---|---|---|").append("---|".repeat(Feature.values().length)).append('\n');
        List<AllocatorProvider> providers = new ArrayList<>();
        ServiceLoader.load(AllocatorProvider.class).forEach(providers::add);
        providers.sort(java.util.Comparator.comparing(AllocatorProvider::id));
        for (AllocatorProvider p : providers) {
            DesignDescriptor d = p.descriptor();
            if (p.getClass().getName().startsWith("io.vakit.kit.broken.")) {
                continue; // the test tree's deliberately broken allocators, and the toy they break
            }
            s.append("| `").append(d.id()).append("` | ").append(d.followed().orElse("-")).append(" | ")
                    .append(d.alignment().alignmentFor(16)).append(" | ")
                    .append(d.maxAlignment()).append(" | ").append(d.maxBlockSize()).append(" |");
            for (Feature f : Feature.values()) {
                s.append(d.has(f) ? " yes |" : " - |");
            }
            s.append('\n');
        }
        return s.toString();
    }
}
