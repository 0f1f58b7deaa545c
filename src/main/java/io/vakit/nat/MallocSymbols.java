package io.vakit.nat;

/**
 * The names of the malloc-family functions in a native library.
 *
 * @param malloc {@code void* malloc(size_t)}
 * @param free {@code void free(void*)}
 * @param calloc {@code void* calloc(size_t, size_t)}
 * @param realloc {@code void* realloc(void*, size_t)}
 * @param alignedAlloc {@code void* aligned_alloc(size_t alignment, size_t size)}
 * @param usableSize {@code size_t malloc_usable_size(void*)}
 */
public record MallocSymbols(String malloc, String free, String calloc, String realloc, String alignedAlloc,
        String usableSize) {

    /** The standard names, each with {@code prefix} in front ({@code "je_"}, {@code "mi_"}, or empty). */
    public static MallocSymbols prefixed(String prefix) {
        return new MallocSymbols(prefix + "malloc", prefix + "free", prefix + "calloc", prefix + "realloc",
                prefix + "aligned_alloc", prefix + "malloc_usable_size");
    }
}
