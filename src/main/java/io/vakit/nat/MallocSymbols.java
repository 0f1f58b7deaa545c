package io.vakit.nat;

import java.util.HashMap;
import java.util.Map;

/**
 * The names (and shapes) of a native library's malloc-family functions. {@code malloc} and {@code free} are
 * required; any other may be {@code null}, and the design then does not declare the feature it gives.
 *
 * @param malloc {@code void* malloc(size_t)}
 * @param free {@code void free(void*)}, or {@code void free(void*, size_t)} when {@code sizedFree}
 * @param calloc {@code void* calloc(size_t, size_t)}
 * @param realloc {@code void* realloc(void*, size_t)}, or {@code void* realloc(void*, size_t old, size_t new)} when
 *     {@code sizedFree}
 * @param alignedAlloc {@code void* aligned_alloc(size_t alignment, size_t size)}
 * @param usableSize {@code size_t malloc_usable_size(void*)}
 * @param sizedFree true when free and realloc take the old size (seed 003's {@code Free(ptr, size)})
 * @param liveCount {@code size_t live_count(void)}: the library's own count of live blocks, which the stats then
 *     report (rule C8 judges the library's counter instead of skipping); usually a one-line function the user adds
 * @param guessed true when the optional names are guessed (a preset, a prefix), not named one by one: a library
 *     that exports none of such a name simply lacks the function, and the features it gives are not declared. A
 *     function named explicitly must be there
 */
public record MallocSymbols(String malloc, String free, String calloc, String realloc, String alignedAlloc,
        String usableSize, boolean sizedFree, String liveCount, boolean guessed) {

    /** The names, without a live-count function, each required. */
    public MallocSymbols(String malloc, String free, String calloc, String realloc, String alignedAlloc,
            String usableSize, boolean sizedFree) {
        this(malloc, free, calloc, realloc, alignedAlloc, usableSize, sizedFree, null, false);
    }


    /**
     * The explicit map {@link #parse} reads back into these names, without the functions {@code absent} names
     * ({@code calloc}, {@code usable_size}, ...): how a child process binds exactly what this process bound.
     */
    public String spec(java.util.Set<String> absent) {
        StringBuilder s = new StringBuilder("malloc=" + malloc + ",free=" + free);
        String[][] optional = {{"calloc", calloc}, {"realloc", realloc}, {"aligned_alloc", alignedAlloc},
            {"usable_size", usableSize}, {"live_count", liveCount}};
        for (String[] o : optional) {
            if (o[1] != null && !absent.contains(o[0])) {
                s.append(',').append(o[0]).append('=').append(o[1]);
            }
        }
        return sizedFree ? s.append(",sized=true").toString() : s.toString();
    }

    /**
     * The standard names, each with {@code prefix} in front ({@code "je_"}, or empty); those the library does not
     * export are left out ({@link #guessed}).
     */
    public static MallocSymbols prefixed(String prefix) {
        return new MallocSymbols(prefix + "malloc", prefix + "free", prefix + "calloc", prefix + "realloc",
                prefix + "aligned_alloc", prefix + "malloc_usable_size", false, null, true);
    }

    /**
     * A named preset, a prefix, or an explicit map:
     * <ul>
     * <li>{@code glibc}, {@code jemalloc}: the standard names;</li>
     * <li>{@code mimalloc}: {@code mi_malloc}, ..., {@code mi_aligned_alloc}, {@code mi_usable_size};</li>
     * <li>{@code tcmalloc}: {@code tc_malloc}, ..., {@code tc_memalign}, {@code tc_malloc_size};</li>
     * <li>{@code seed003}: {@code Malloc}, {@code Free(ptr, size)}, {@code Remalloc(ptr, old, new)} (its one-argument
     * {@code Calloc(size)} is not bound: zeroed blocks are {@code Malloc} plus a fill);</li>
     * <li>{@code prefix:xx_}: the standard names with that prefix; of those, only malloc and free must be there
     * (as with the presets): a library that exports part of the family gets the features of what it exports;</li>
     * <li>{@code malloc=a,free=b,calloc=c,realloc=d,aligned_alloc=e,usable_size=f,sized=true,live_count=g}: explicit
     * (omitted functions are not offered).</li>
     * </ul>
     *
     * @throws IllegalArgumentException for anything else; the message lists the forms
     */
    public static MallocSymbols parse(String spec) {
        switch (spec) {
            case "", "glibc", "jemalloc" -> {
                return prefixed("");
            }
            case "mimalloc" -> {
                return new MallocSymbols("mi_malloc", "mi_free", "mi_calloc", "mi_realloc", "mi_aligned_alloc",
                        "mi_usable_size", false, null, true);
            }
            case "tcmalloc" -> {
                return new MallocSymbols("tc_malloc", "tc_free", "tc_calloc", "tc_realloc", "tc_memalign",
                        "tc_malloc_size", false, null, true);
            }
            case "seed003" -> {
                return new MallocSymbols("Malloc", "Free", null, "Remalloc", null, null, true); // Calloc(size): 1 arg
            }
            default -> {
                if (spec.startsWith("prefix:")) {
                    return prefixed(spec.substring("prefix:".length()));
                }
                if (spec.contains("=")) {
                    Map<String, String> m = new HashMap<>();
                    for (String part : spec.split(",")) {
                        String[] kv = part.split("=", 2);
                        if (kv.length != 2) {
                            throw new IllegalArgumentException("symbols '" + spec + "': '" + part + "' is not key=value");
                        }
                        m.put(kv[0].strip(), kv[1].strip());
                    }
                    if (!m.containsKey("malloc") || !m.containsKey("free")) {
                        throw new IllegalArgumentException("symbols '" + spec + "': malloc= and free= are required");
                    }
                    return new MallocSymbols(m.get("malloc"), m.get("free"), m.get("calloc"), m.get("realloc"),
                            m.get("aligned_alloc"), m.get("usable_size"), Boolean.parseBoolean(m.get("sized")),
                            m.get("live_count"), false);
                }
                throw new IllegalArgumentException("symbols '" + spec + "': expected glibc, jemalloc, mimalloc, "
                        + "tcmalloc, seed003, prefix:<p>, or malloc=<name>,free=<name>[,calloc=,realloc=,"
                        + "aligned_alloc=,usable_size=,sized=true,live_count=]");
            }
        }
    }
}
