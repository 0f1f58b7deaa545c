/*
 * Deliberately broken native allocators, compiled by the test build (gcc) and loaded through FFM, to prove the
 * kit rejects them through its native entry point. Never use them.
 *
 * ovl_*   : glibc's malloc, except that every third allocation (counted from the last time nothing was live)
 *           returns the previous block again (overlap) if the request fits in it. A block handed out twice is
 *           never freed into glibc. Both keep the planted bug from corrupting glibc's heap (a calloc filling a
 *           larger size into a smaller block once aborted the test JVM in CI).
 * racy_*  : 64-byte slots from a fixed pool, with a free list that takes no lock, while the kit is told it is
 *           thread-safe. The pop does a little work between reading and writing the head, as a real allocator
 *           does, so two threads can take the same slot. Links are slot indices, so a torn list hands out
 *           duplicate slots (which the kit must notice) instead of wild pointers (which would crash the JVM).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

static void *ovl_last;
static size_t ovl_last_size;
static unsigned long ovl_count; /* allocations since the allocator was last empty: runs replay exactly */
static long ovl_live;
/*
 * Blocks handed out twice. Their two owners may each free them, and one may write after the other freed: such a
 * block is never given back to glibc (it leaks), so the planted bug can only ever overlap two blocks, never corrupt
 * glibc's heap and abort the JVM. When the table is full, every block leaks.
 */
#define OVL_DUPS 4096
static void *ovl_dups[OVL_DUPS];
static int ovl_dup_count;

static int ovl_is_dup(void *p) {
    if (ovl_dup_count == OVL_DUPS) {
        return 1;
    }
    for (int i = 0; i < ovl_dup_count; i++) {
        if (ovl_dups[i] == p) {
            return 1;
        }
    }
    return 0;
}

void *ovl_malloc(size_t size) {
    if (ovl_live == 0) {
        ovl_count = 0;
    }
    void *p = malloc(size);
    if (++ovl_count % 3 == 0 && ovl_last != NULL && size <= ovl_last_size) { /* overlap, never overflow */
        free(p);
        if (!ovl_is_dup(ovl_last)) {
            ovl_dups[ovl_dup_count++] = ovl_last;
        }
        return ovl_last; /* not counted as live: the kit stops at the overlap anyway */
    }
    ovl_last = p;
    ovl_last_size = size;
    ovl_live++;
    return p;
}

void ovl_free(void *p) {
    if (p == ovl_last) {
        ovl_last = NULL;
    }
    ovl_live--;
    if (!ovl_is_dup(p)) {
        free(p);
    }
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

/*
 * cc_*   : a segregated allocator (16 B to 4 KiB, one 16 MiB region per class, free lists kept in the free slots
 *          themselves; larger blocks get a mapping of their own, its length in a 16-byte header) with a class
 *          confusion on free: "every block goes back to its class's list", and a large block's class is taken as 0,
 *          the 16-byte class. Its free pushes the block onto that list, then unmaps it: the list now starts with a
 *          dangling link, and the next 16-byte allocation follows it into unmapped memory. Nothing the caller can see
 *          is wrong until the library crashes in its own code.
 * cnt_*  : glibc's malloc, except that the 97th allocation since the library was loaded returns the previous block
 *          again if it fits: a bug that depends on the library's whole history, so only a chain replayed in a fresh
 *          process reproduces it.
 */
#include <sys/mman.h>
#include <malloc.h>

#define CC_CLASSES 9
#define CC_REGION ((size_t) 16 << 20)
static unsigned char *cc_base;
static void *cc_head[CC_CLASSES];
static size_t cc_bump[CC_CLASSES];

static int cc_class(size_t size) {
    int c = 0;
    for (size_t s = 16; s < size; s <<= 1) {
        c++;
    }
    return c;
}

void *cc_malloc(size_t size) {
    if (size > 4096) {
        size_t len = (size + 16 + 4095) & ~(size_t) 4095;
        unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
            return NULL;
        }
        *(size_t *) m = len;
        return m + 16;
    }
    if (cc_base == NULL) {
        void *m = mmap(NULL, CC_CLASSES * CC_REGION, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                -1, 0);
        if (m == MAP_FAILED) {
            return NULL;
        }
        cc_base = m;
    }
    int c = cc_class(size == 0 ? 1 : size);
    size_t slot = (size_t) 16 << c;
    void *p = cc_head[c];
    if (p != NULL) {
        cc_head[c] = *(void **) p;
        return p;
    }
    if ((cc_bump[c] + 1) * slot > CC_REGION) {
        return NULL;
    }
    return cc_base + c * CC_REGION + slot * cc_bump[c]++;
}

void cc_free(void *p) {
    if (p == NULL) {
        return;
    }
    unsigned char *b = p;
    int mine = cc_base != NULL && b >= cc_base && b < cc_base + CC_CLASSES * CC_REGION;
    int c = mine ? (int) ((b - cc_base) / CC_REGION) : 0; /* the confusion: a large block "is" class 0 */
    *(void **) p = cc_head[c];
    cc_head[c] = p;
    if (!mine) {
        munmap(b - 16, *(size_t *) (b - 16));
    }
}

static unsigned long cnt_count; /* allocations since the library was loaded */
static void *cnt_last;
static size_t cnt_last_size;

void *cnt_malloc(size_t size) {
    void *p = malloc(size);
    if (++cnt_count == 97 && cnt_last != NULL && size <= cnt_last_size) {
        free(p);
        return cnt_last; /* handed out twice; freed twice later, so it is never given back (see cnt_free) */
    }
    cnt_last = p;
    cnt_last_size = size;
    return p;
}

void cnt_free(void *p) {
    if (cnt_count < 97) {
        free(p);
    } /* after the overlap, blocks leak: a double free of the shared block must never reach glibc */
}

/*
 * lc_*   : glibc's malloc with the library's own count of live blocks (lc_live_count, mapped with live_count=), as a
 *          user maps a library's counter for rule C8. lcd_* is the same with a drift: a free of a block of more than
 *          1 KiB forgets to count it out (it took a fast path its author wrote for large blocks).
 */
static size_t lc_live;

void *lc_malloc(size_t size) {
    void *p = malloc(size);
    if (p != NULL) {
        lc_live++;
    }
    return p;
}

void lc_free(void *p) {
    if (p != NULL) {
        lc_live--;
    }
    free(p);
}

size_t lc_live_count(void) {
    return lc_live;
}

void lcd_free(void *p) {
    if (p != NULL && malloc_usable_size(p) <= 1024) {
        lc_live--;
    }
    free(p);
}

/* A spin lock around glibc's malloc, whose large path returns early and forgets to unlock: the next call spins for
 * ever. A hang, not a crash: the kit must kill it and judge it. */
static volatile int lk_lock;

static void lk_enter(void) {
    while (__atomic_exchange_n(&lk_lock, 1, __ATOMIC_ACQUIRE)) {
        /* spin */
    }
}

static void lk_leave(void) {
    __atomic_store_n(&lk_lock, 0, __ATOMIC_RELEASE);
}

void *lk_malloc(size_t size) {
    lk_enter();
    if (size > 65536) {
        return malloc(size); /* the early return forgets lk_leave() */
    }
    void *p = malloc(size);
    lk_leave();
    return p;
}

void lk_free(void *p) {
    lk_enter();
    free(p);
    lk_leave();
}
