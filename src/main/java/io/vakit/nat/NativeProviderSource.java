package io.vakit.nat;

import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.ProviderSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The native allocators of this machine: the one named by {@code -Dvakit.native=<path to .so>} (with
 * {@code -Dvakit.native.symbols}, {@code -Dvakit.native.id}, {@code -Dvakit.native.threadSafe},
 * {@code -Dvakit.native.alignment}: a number, or {@code fundamental} for 8 up to 8 bytes and 16 above), and jemalloc, mimalloc and tcmalloc where their Debian packages are installed.
 */
public final class NativeProviderSource implements ProviderSource {
    /** A library the kit knows how to bind: its id, file name and symbols. */
    public record Known(String id, String file, String symbols) {}

    /** The libraries found when installed (Debian's libjemalloc2, libmimalloc2.0, libtcmalloc-minimal4). */
    public static final List<Known> KNOWN = List.of(new Known("jemalloc", "libjemalloc.so.2", "jemalloc"),
            new Known("mimalloc", "libmimalloc.so.2", "mimalloc"),
            new Known("tcmalloc", "libtcmalloc_minimal.so.4", "tcmalloc"));

    /**
     * What jemalloc, mimalloc and tcmalloc do, found by the kit (C3, a one-action counterexample) and declared:
     * their smallest classes are 8 bytes and 8-aligned.
     */
    public static final String SMALL_ALIGNMENT = "requests of 1 to 8 bytes are only 8-byte aligned: C11 promises "
            + "max_align_t (16 on x86-64) from malloc; C23 allows the weaker alignment of what fits";

    /** The largest alignment those three serve through their aligned allocation: 1 MiB (and more). */
    static final long KNOWN_MAX_ALIGNMENT = 1L << 20;

    /** The guarantee those three give: 8 bytes up to 8, 16 above. */
    public static final AlignmentGuarantee FUNDAMENTAL = AlignmentGuarantee.sizeRelative(8, 16);

    private static final List<Path> LIB_DIRS = List.of(Path.of("/usr/lib/x86_64-linux-gnu"),
            Path.of("/usr/lib/aarch64-linux-gnu"), Path.of("/usr/lib64"), Path.of("/usr/lib"), Path.of("/usr/local/lib"));

    /** Used by ServiceLoader. */
    public NativeProviderSource() {}

    @Override
    public List<AllocatorProvider> providers() {
        List<AllocatorProvider> out = new ArrayList<>(installed());
        out.addAll(namedLibrary());
        return out;
    }

    /**
     * The library named by {@code -Dvakit.native}, bound as {@code -Dvakit.native.symbols}, {@code .id},
     * {@code .threadSafe} and {@code .alignment} say (a property given empty counts as not given); empty when none is
     * named.
     */
    @Override
    public List<AllocatorProvider> named() {
        return namedLibrary();
    }

    /** The library {@code -Dvakit.native} names, as {@link #named()} (for callers without an instance). */
    public static List<AllocatorProvider> namedLibrary() {
        String path = property("vakit.native", "");
        if (path.isEmpty()) {
            return List.of();
        }
        Path lib = Path.of(path);
        String id = property("vakit.native.id", lib.getFileName().toString().replaceFirst("\\.so.*$", "")
                .replaceFirst("^lib", ""));
        return List.of(bind(id, lib, property("vakit.native.symbols", "glibc"), property("vakit.native.alignment", "16"),
                property("vakit.native.threadSafe", "true"), property("vakit.native.maxAlignment", "")));
    }

    private static NativeLibraryProvider bind(String id, Path lib, String symbols, String alignment, String threadSafe,
            String maxAlignment) {
        return new NativeLibraryProvider(id, lib, MallocSymbols.parse(symbols),
                alignment.equals("fundamental") ? FUNDAMENTAL : AlignmentGuarantee.fixed(Long.parseLong(alignment)),
                Boolean.parseBoolean(threadSafe), List.of(), maxAlignment.isEmpty() ? 0 : Long.parseLong(maxAlignment))
                .locatedBy(PREFIX + lib.toAbsolutePath() + "?" + (id.equals(defaultId(lib)) ? "" : "id=" + id + "&")
                        + "symbols=" + symbols + "&alignment=" + alignment + "&threadSafe=" + threadSafe
                        + (maxAlignment.isEmpty() ? "" : "&maxAlignment=" + maxAlignment));
    }

    /** The id a library gets from its file name: {@code libfoo.so.2} is {@code foo}. */
    private static String defaultId(Path lib) {
        return lib.getFileName().toString().replaceFirst("\\.so.*$", "").replaceFirst("^lib", "");
    }

    /** The prefix of a native library's replay name. */
    public static final String PREFIX = "native:";

    /**
     * A library named {@code native:<path>?id=<id>&symbols=<s>&alignment=<a>&threadSafe=<t>}, as its replays carry
     * it; the query parts may be left out (the file's name, glibc names, 16, true).
     *
     * @throws IllegalArgumentException when the name starts with {@code native:} but cannot be bound
     */
    @Override
    public Optional<AllocatorProvider> resolve(String name) {
        for (Known k : KNOWN) { // an installed library by its id, without loading the others
            if (k.id().equals(name)) {
                return installed(k).map(AllocatorProvider.class::cast);
            }
        }
        if (!name.startsWith(PREFIX)) { // the library -Dvakit.native names, by its id
            return property("vakit.native", "").isEmpty() ? Optional.empty()
                    : namedLibrary().stream().filter(p -> p.id().equals(name)).findFirst();
        }
        String rest = name.substring(PREFIX.length());
        int q = rest.indexOf('?');
        Path lib = Path.of(q < 0 ? rest : rest.substring(0, q));
        java.util.Map<String, String> params = new java.util.HashMap<>();
        if (q >= 0) {
            for (String kv : rest.substring(q + 1).split("&")) {
                String[] p = kv.split("=", 2);
                params.put(p[0], p.length > 1 ? p[1] : "");
            }
        }
        String id = params.getOrDefault("id", defaultId(lib));
        return Optional.of(bind(id, lib, params.getOrDefault("symbols", "glibc"),
                params.getOrDefault("alignment", "16"), params.getOrDefault("threadSafe", "true"),
                params.getOrDefault("maxAlignment", "")).locatedBy(name));
    }

    private static String property(String name, String otherwise) {
        String v = System.getProperty(name, "").strip();
        return v.isEmpty() ? otherwise : v;
    }

    /** The known libraries installed on this machine. */
    public static List<AllocatorProvider> installed() {
        List<AllocatorProvider> out = new ArrayList<>();
        for (Known k : KNOWN) {
            installed(k).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<NativeLibraryProvider> installed(Known k) {
        return find(k.file()).flatMap(p -> {
            try {
                return Optional.of(new NativeLibraryProvider(k.id(), p, MallocSymbols.parse(k.symbols()), FUNDAMENTAL,
                        true, List.of(SMALL_ALIGNMENT), KNOWN_MAX_ALIGNMENT));
            } catch (IllegalArgumentException e) {
                System.err.println("vakit: " + k.id() + " is installed but cannot be loaded: " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    /** The first of the usual library folders that holds {@code file}. */
    public static Optional<Path> find(String file) {
        return LIB_DIRS.stream().map(d -> d.resolve(file)).filter(Files::isRegularFile).findFirst();
    }
}
