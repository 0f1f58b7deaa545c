/*
 * A hardened allocator in miniature, compiled by the test build: glibc's malloc behind a table of the live blocks. A
 * free of anything that is not a live block stops the process on purpose, with a trap instruction, as hardened
 * allocators do (PartitionAlloc's IMMEDIATE_CRASH, Scudo's and hardened_malloc's checks):
 *
 * trp_* : __builtin_trap, which gcc emits as ud2 (SIGILL);
 * tri_* : int3 (SIGTRAP).
 *
 * Not thread-safe; used by one thread.
 */
#include <stddef.h>
#include <stdlib.h>

#define TRAP_LIVE 65536
static void *trap_live[TRAP_LIVE];
static int trap_count;

static int trap_find(void *p) {
    for (int i = 0; i < trap_count; i++) {
        if (trap_live[i] == p) {
            return i;
        }
    }
    return -1;
}

void *trp_malloc(size_t size) {
    void *p = malloc(size);
    if (p != NULL && trap_count < TRAP_LIVE) {
        trap_live[trap_count++] = p;
    }
    return p;
}

static int trap_take(void *p) {
    int i = trap_find(p);
    if (i < 0) {
        return 0;
    }
    trap_live[i] = trap_live[--trap_count];
    return 1;
}

void trp_free(void *p) {
    if (p == NULL) {
        return;
    }
    if (!trap_take(p)) {
        __builtin_trap();
    }
    free(p);
}

void *tri_malloc(size_t size) {
    return trp_malloc(size);
}

void tri_free(void *p) {
    if (p == NULL) {
        return;
    }
    if (!trap_take(p)) {
        __asm__ volatile("int3");
    }
    free(p);
}
