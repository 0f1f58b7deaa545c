/*
 * A library that exports only part of the malloc family, under a prefix, as an allocator at its seed commit does:
 * part_malloc, part_free, part_realloc and part_aligned_alloc, and no calloc and no usable size. Its aligned_alloc
 * serves alignments up to a page and returns NULL above (C11 allows an implementation to refuse an alignment it does
 * not support). glibc underneath.
 */
#include <stddef.h>
#include <stdlib.h>

void *part_malloc(size_t size) {
    return malloc(size);
}

void part_free(void *p) {
    free(p);
}

void *part_realloc(void *p, size_t size) {
    return realloc(p, size);
}

void *part_aligned_alloc(size_t alignment, size_t size) {
    if (alignment > 4096) {
        return NULL;
    }
    return aligned_alloc(alignment, size);
}
