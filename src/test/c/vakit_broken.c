/*
 * Deliberately broken native allocators, compiled by the test build (gcc) and loaded through FFM, to prove the
 * kit rejects them through its native entry point. Never use them.
 *
 * ovl_*   : glibc's malloc, except that every third allocation (counted from the last time nothing was live)
 *           returns the previous block again (overlap).
 * racy_*  : 64-byte slots from a fixed pool, with a free list that takes no lock, while the kit is told it is
 *           thread-safe. The pop does a little work between reading and writing the head, as a real allocator
 *           does, so two threads can take the same slot. Links are slot indices, so a torn list hands out
 *           duplicate slots (which the kit must notice) instead of wild pointers (which would crash the JVM).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static void *ovl_last;
static unsigned long ovl_count; /* allocations since the allocator was last empty: runs replay exactly */
static long ovl_live;

void *ovl_malloc(size_t size) {
    if (ovl_live == 0) {
        ovl_count = 0;
    }
    void *p = malloc(size);
    if (++ovl_count % 3 == 0 && ovl_last != NULL) {
        free(p);
        return ovl_last; /* not counted as live: the kit stops at the overlap anyway */
    }
    ovl_last = p;
    ovl_live++;
    return p;
}

void ovl_free(void *p) {
    if (p == ovl_last) {
        ovl_last = NULL;
    }
    ovl_live--;
    free(p);
}

#define SLOT 64
#define SLOTS 65536
static unsigned char racy_pool[SLOT * SLOTS] __attribute__((aligned(64)));
static uint32_t racy_head; /* slot index + 1; 0 = empty. Indices, not pointers: a torn list stays inside the pool */
static size_t racy_bump;

void *racy_malloc(size_t size) {
    if (size > SLOT) {
        return NULL;
    }
    uint32_t head = racy_head;
    if (head != 0) {
        for (volatile int i = 0; i < 64; i++) {
        }
        uint32_t next = *(uint32_t *) (racy_pool + SLOT * (head - 1));
        racy_head = next % (SLOTS + 1); /* the race: another thread may have taken this head meanwhile */
        return racy_pool + SLOT * (head - 1);
    }
    if (racy_bump >= SLOTS) {
        return NULL;
    }
    return racy_pool + SLOT * racy_bump++;
}

void racy_free(void *p) {
    uint32_t index = (uint32_t) (((unsigned char *) p - racy_pool) / SLOT);
    *(uint32_t *) p = racy_head;
    racy_head = index + 1;
}
