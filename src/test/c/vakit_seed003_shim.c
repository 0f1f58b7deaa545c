/*
 * A correct allocator with seed 003's API (Malloc, Free(ptr, size), Calloc, Remalloc(ptr, old, new)), over libc,
 * compiled by the test build to prove the kit binds that signature style (the sized free gets the size back).
 * Free checks the size it is given against the one it recorded, and aborts on a mismatch: the guard in front of
 * it must always pass the right one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static size_t *header(void *p) { return (size_t *) p - 2; }

void *Malloc(uint64_t size) {
    size_t *h = malloc(size + 2 * sizeof(size_t));
    if (h == NULL) {
        return NULL;
    }
    h[0] = size;
    return h + 2;
}

void Free(void *p, uint64_t size) {
    if (header(p)[0] != size) {
        abort();
    }
    free(header(p));
}

void *Calloc(uint64_t size) {
    void *p = Malloc(size);
    if (p != NULL) {
        memset(p, 0, size);
    }
    return p;
}

void *Remalloc(void *p, uint64_t old, uint64_t size) {
    if (header(p)[0] != old) {
        abort();
    }
    void *q = Malloc(size);
    if (q == NULL) {
        return NULL;
    }
    memcpy(q, p, old < size ? old : size);
    Free(p, old);
    return q;
}
