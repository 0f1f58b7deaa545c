/*
 * vakit's fork server: loads one malloc-family library once, binds its functions, and forks one child per chain.
 * Every child starts from the same state (the server never allocates after binding), so a chain replayed in a fresh
 * child runs exactly as it ran. The JVM keeps the model and the generator; a child executes primitive operations.
 *
 * Usage: vakit-forkserver <library|-> <function=symbol>... [sized]
 *   <library> is dlopen'ed; "-" binds the process's own (glibc's) functions. Functions: malloc, free, calloc,
 *   realloc, aligned_alloc, usable_size, live_count; "sized" means free(p, size) and realloc(p, old, new).
 *
 * Control (the server's stdin and stdout, one line each):
 *   JVM:    fork <id> <region-path> <stderr-path>     server: pid <id> <pid>
 *                                                     server: exit <pid> <wait-status>   (each child that ended)
 * A child points its stdout and stderr at <stderr-path>, maps <region-path> (a file the kit created and mapped too,
 * in /dev/shm), and serves the requests the kit writes there: op, count, arguments, then a new request number; the
 * child writes the answer's count and words, then the same number as answered. Both sides wait by spinning, then
 * yielding, then sleeping, so a round trip costs about a microsecond while both run. A fatal signal in a child writes
 * one line to its stderr, "vakit-child: signal <n> (<name>) at <address>, pc <pc> in <frame>", and the child then
 * dies by that signal.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <time.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

enum { OP_MALLOC = 1, OP_FREE, OP_CALLOC, OP_REALLOC, OP_ALIGNED, OP_USABLE, OP_LIVE, OP_FILL, OP_CHECK,
       OP_NONZERO, OP_ZERO, OP_COPY, OP_QUIT, OP_FOREIGN, OP_BATCH, OP_OTHER_THREAD = 0x100 };

static void *(*f_malloc)(size_t);
static void (*f_free)(void *);
static void (*f_free_sized)(void *, size_t);
static void *(*f_calloc)(size_t, size_t);
static void *(*f_realloc)(void *, size_t);
static void *(*f_realloc_sized)(void *, size_t, size_t);
static void *(*f_aligned)(size_t, size_t);
static size_t (*f_usable)(void *);
static size_t (*f_live)(void);
static int sized;

static unsigned char rotations[256][512];

/* ---------------------------------------------------------------- the pattern (spi.BlockMemory.pattern) */

static void make_rotations(void) {
    for (int k = 0; k < 256; k++) {
        for (int j = 0; j < 512; j++) {
            int v = (k + 31 * j) & 0xFF;
            rotations[k][j] = (unsigned char)(v == 0 ? 0xA5 : v);
        }
    }
}

static const unsigned char *rotation(int64_t label, uint64_t at) {
    return rotations[(uint64_t)(label * 0x9E37 + (int64_t)(at >> 9)) & 0xFF];
}

static void fill(unsigned char *block, int64_t label, uint64_t from, uint64_t to) {
    for (uint64_t at = from; at < to;) {
        uint64_t end = (at | 511) + 1;
        if (end > to) end = to;
        memcpy(block + at, rotation(label, at) + (at & 511), end - at);
        at = end;
    }
}

static int64_t check(const unsigned char *block, int64_t label, uint64_t from, uint64_t to) {
    for (uint64_t at = from; at < to;) {
        uint64_t end = (at | 511) + 1;
        if (end > to) end = to;
        const unsigned char *want = rotation(label, at) + (at & 511);
        if (memcmp(block + at, want, end - at) != 0) {
            for (uint64_t i = 0; i < end - at; i++) {
                if (block[at + i] != want[i]) return (int64_t)(at + i);
            }
        }
        at = end;
    }
    return -1;
}

static int64_t nonzero(const unsigned char *block, uint64_t from, uint64_t to) {
    for (uint64_t at = from; at < to; at++) {
        if (block[at] != 0) return (int64_t)at;
    }
    return -1;
}

/* ---------------------------------------------------------------- fatal signals */

static void put(int fd, const char *s) {
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(fd, s, n);
        if (w <= 0) return;
        s += w;
        n -= (size_t)w;
    }
}

static void put_hex(int fd, uintptr_t v) {
    char buf[2 + 16 + 1];
    int i = sizeof buf - 1;
    buf[i] = 0;
    do {
        buf[--i] = "0123456789abcdef"[v & 15];
        v >>= 4;
    } while (v != 0);
    buf[--i] = 'x';
    buf[--i] = '0';
    put(fd, buf + i);
}

static void put_dec(int fd, long v) {
    char buf[24];
    int i = sizeof buf - 1;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    put(fd, buf + i);
}

static const char *signal_name(int sig) {
    switch (sig) {
        case SIGSEGV: return "SIGSEGV";
        case SIGBUS: return "SIGBUS";
        case SIGILL: return "SIGILL";
        case SIGFPE: return "SIGFPE";
        case SIGABRT: return "SIGABRT";
        case SIGTRAP: return "SIGTRAP";
        case SIGSYS: return "SIGSYS";
        default: return "a signal";
    }
}

static uintptr_t pc_of(void *context) {
    ucontext_t *uc = context;
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#else
    (void)uc;
    return 0;
#endif
}

/* Names the code at pc: symbol+offset (file), or file+offset; dladdr is what a crash handler can afford here. */
static void put_frame(int fd, uintptr_t pc) {
    Dl_info info;
    if (pc == 0 || dladdr((void *)pc, &info) == 0 || info.dli_fname == NULL) {
        put(fd, "unknown code");
        return;
    }
    if (info.dli_sname != NULL && info.dli_saddr != NULL) {
        put(fd, info.dli_sname);
        put(fd, "+");
        put_hex(fd, pc - (uintptr_t)info.dli_saddr);
        put(fd, " (");
        put(fd, info.dli_fname);
        put(fd, ")");
    } else {
        put(fd, info.dli_fname);
        put(fd, "+");
        put_hex(fd, pc - (uintptr_t)info.dli_fbase);
    }
}

static void on_fatal(int sig, siginfo_t *si, void *context) {
    put(2, "\nvakit-child: signal ");
    put_dec(2, sig);
    put(2, " (");
    put(2, signal_name(sig));
    put(2, ") at ");
    put_hex(2, (uintptr_t)si->si_addr);
    put(2, ", pc ");
    uintptr_t pc = pc_of(context);
    put_hex(2, pc);
    put(2, " in ");
    put_frame(2, pc);
    put(2, "\n");
    signal(sig, SIG_DFL);
    raise(sig); /* delivered when the handler returns: the child dies by the signal it met */
}

static void catch_fatal_signals(void) {
    static char alt[64 * 1024];
    stack_t ss = { .ss_sp = alt, .ss_size = sizeof alt, .ss_flags = 0 };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fatal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS };
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) sigaction(fatal[i], &sa, NULL);
}

/* ---------------------------------------------------------------- a child: primitive operations */

static int write_all(int fd, const void *buf, size_t n) {
    const char *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0) {
            if (w < 0 && errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

#define MAX_WORDS 65536
static uint64_t args[MAX_WORDS];
static uint64_t results[MAX_WORDS + 1];

/* Runs one request; returns how many result words it wrote into out. */
static uint64_t execute(uint64_t op, uint64_t n, const uint64_t *a, uint64_t *out) {
    switch (op) {
        case OP_MALLOC:
            out[0] = (uint64_t)(uintptr_t)f_malloc((size_t)a[0]);
            return 1;
        case OP_FREE:
            if (sized) f_free_sized((void *)(uintptr_t)a[0], (size_t)a[1]);
            else f_free((void *)(uintptr_t)a[0]);
            return 0;
        case OP_CALLOC:
            out[0] = (uint64_t)(uintptr_t)f_calloc((size_t)a[0], (size_t)a[1]);
            return 1;
        case OP_REALLOC:
            out[0] = (uint64_t)(uintptr_t)(sized ? f_realloc_sized((void *)(uintptr_t)a[0], (size_t)a[1], (size_t)a[2])
                                                 : f_realloc((void *)(uintptr_t)a[0], (size_t)a[2]));
            return 1;
        case OP_ALIGNED:
            out[0] = (uint64_t)(uintptr_t)f_aligned((size_t)a[0], (size_t)a[1]);
            return 1;
        case OP_USABLE:
            out[0] = (uint64_t)f_usable((void *)(uintptr_t)a[0]);
            return 1;
        case OP_LIVE:
            out[0] = (uint64_t)f_live();
            return 1;
        case OP_FILL: /* (address, label, from, to)... */
            for (uint64_t i = 0; i + 4 <= n; i += 4) fill((unsigned char *)(uintptr_t)a[i], (int64_t)a[i + 1], a[i + 2], a[i + 3]);
            return 0;
        case OP_CHECK: { /* (address, label, from, to)... -> first differing offset or -1, each */
            uint64_t k = 0;
            for (uint64_t i = 0; i + 4 <= n; i += 4)
                out[k++] = (uint64_t)check((const unsigned char *)(uintptr_t)a[i], (int64_t)a[i + 1], a[i + 2], a[i + 3]);
            return k;
        }
        case OP_NONZERO:
            out[0] = (uint64_t)nonzero((const unsigned char *)(uintptr_t)a[0], a[1], a[2]);
            return 1;
        case OP_ZERO:
            memset((void *)(uintptr_t)a[0], 0, (size_t)a[1]);
            return 0;
        case OP_COPY:
            memmove((void *)(uintptr_t)a[0], (const void *)(uintptr_t)a[1], (size_t)a[2]);
            return 0;
        case OP_QUIT:
            _exit(0);
        case OP_FOREIGN: { /* memory of this process that the library never handed out */
            void *p = mmap(NULL, (size_t)a[0], PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            out[0] = p == MAP_FAILED ? 0 : (uint64_t)(uintptr_t)p;
            return 1;
        }
        default:
            put(2, "vakit-child: unknown operation\n");
            _exit(3);
    }
}

/* The child's second thread, on which a request marked OP_OTHER_THREAD runs (frees from another thread). */
static pthread_mutex_t other_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t other_cond = PTHREAD_COND_INITIALIZER;
static int other_pending, other_started;
static uint64_t other_op, other_n, other_k;
static const uint64_t *other_args;

static void *other_thread(void *unused) {
    (void)unused;
    pthread_mutex_lock(&other_lock);
    for (;;) {
        while (other_pending != 1) pthread_cond_wait(&other_cond, &other_lock);
        other_k = execute(other_op, other_n, other_args, results + 1);
        other_pending = 2;
        pthread_cond_broadcast(&other_cond);
    }
    return NULL;
}

static uint64_t on_other_thread(uint64_t op, uint64_t n, const uint64_t *a) {
    if (!other_started) {
        pthread_t t;
        if (pthread_create(&t, NULL, other_thread, NULL) != 0) {
            put(2, "vakit-child: cannot start the second thread\n");
            _exit(3);
        }
        other_started = 1;
    }
    pthread_mutex_lock(&other_lock);
    other_op = op;
    other_n = n;
    other_args = a;
    other_pending = 1;
    pthread_cond_broadcast(&other_cond);
    while (other_pending != 2) pthread_cond_wait(&other_cond, &other_lock);
    other_pending = 0;
    uint64_t k = other_k;
    pthread_mutex_unlock(&other_lock);
    return k;
}

/* One request, on the thread it names; a batch (op, count, arguments)... runs each in order, answering the last. */
static uint64_t run_one(uint64_t op, uint64_t n, const uint64_t *a) {
    if (op == OP_BATCH) {
        uint64_t k = 0;
        for (uint64_t i = 0; i + 2 <= n;) {
            uint64_t sub = a[i], m = a[i + 1];
            if (sub == OP_BATCH || i + 2 + m > n) _exit(3);
            k = run_one(sub, m, a + i + 2);
            i += 2 + m;
        }
        return k;
    }
    return (op & OP_OTHER_THREAD) ? on_other_thread(op & ~(uint64_t)OP_OTHER_THREAD, n, a) : execute(op, n, a, results + 1);
}

/* The shared region: [0] request number (the kit's), [1] answered number (the child's), [2] op, [3] count, then the
 * arguments; after MAX_WORDS of them, the answer's count and words. */
#define REGION_WORDS (4 + MAX_WORDS + 1 + MAX_WORDS)

static void relax(unsigned spins, pid_t parent) {
    if (spins < 200) {
#if defined(__x86_64__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        __asm__ __volatile__("yield");
#endif
    } else if (spins < 20000) {
        sched_yield();
    } else {
        struct timespec ts = { 0, 20000 };
        nanosleep(&ts, NULL);
        if (getppid() != parent) _exit(0); /* the server, and so the kit, went away */
    }
}

static void serve(const char *path, pid_t parent) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    uint64_t *region = fd < 0 ? MAP_FAILED : mmap(NULL, REGION_WORDS * 8, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (region == MAP_FAILED) {
        put(2, "vakit-child: cannot map the kit's region\n");
        _exit(3);
    }
    close(fd);
    uint64_t *req = region, *done = region + 1;
    uint64_t *answer = region + 4 + MAX_WORDS;
    uint64_t last = 0;
    for (;;) {
        uint64_t seq;
        for (unsigned spins = 0; (seq = __atomic_load_n(req, __ATOMIC_ACQUIRE)) == last; spins++) relax(spins, parent);
        last = seq;
        uint64_t op = region[2], n = region[3];
        if (n > MAX_WORDS) _exit(3);
        memcpy(args, region + 4, n * 8);
        uint64_t k = run_one(op, n, args);
        answer[0] = k;
        memcpy(answer + 1, results + 1, k * 8);
        __atomic_store_n(done, seq, __ATOMIC_RELEASE);
    }
}

/* ---------------------------------------------------------------- the server */

static void *bind_one(void *lib, const char *spec, const char *function) {
    size_t n = strlen(function);
    if (strncmp(spec, function, n) != 0 || spec[n] != '=') return NULL;
    void *f = dlsym(lib, spec + n + 1);
    if (f == NULL) {
        fprintf(stderr, "vakit-forkserver: no symbol %s\n", spec + n + 1);
        exit(2);
    }
    return f;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: vakit-forkserver <library|-> <function=symbol>... [sized]\n");
        return 2;
    }
    void *lib = RTLD_DEFAULT;
    if (strcmp(argv[1], "-") != 0) {
        lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
        if (lib == NULL) {
            fprintf(stderr, "vakit-forkserver: %s\n", dlerror());
            return 2;
        }
    }
    for (int i = 2; i < argc; i++) {
        void *f;
        if (strcmp(argv[i], "sized") == 0) sized = 1;
        else if ((f = bind_one(lib, argv[i], "malloc")) != NULL) f_malloc = (void *(*)(size_t))f;
        else if ((f = bind_one(lib, argv[i], "free")) != NULL) { f_free = (void (*)(void *))f; f_free_sized = (void (*)(void *, size_t))f; }
        else if ((f = bind_one(lib, argv[i], "calloc")) != NULL) f_calloc = (void *(*)(size_t, size_t))f;
        else if ((f = bind_one(lib, argv[i], "realloc")) != NULL) { f_realloc = (void *(*)(void *, size_t))f; f_realloc_sized = (void *(*)(void *, size_t, size_t))f; }
        else if ((f = bind_one(lib, argv[i], "aligned_alloc")) != NULL) f_aligned = (void *(*)(size_t, size_t))f;
        else if ((f = bind_one(lib, argv[i], "usable_size")) != NULL) f_usable = (size_t (*)(void *))f;
        else if ((f = bind_one(lib, argv[i], "live_count")) != NULL) f_live = (size_t (*)(void))f;
        else {
            fprintf(stderr, "vakit-forkserver: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if (f_malloc == NULL || f_free == NULL) {
        fprintf(stderr, "vakit-forkserver: malloc and free are required\n");
        return 2;
    }
    make_rotations();
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC);
    static char line[8192];
    static char reply[128];
    size_t have = 0;
    { /* stdio's first use may set itself up: done here, before any fork, so every child starts the same */
        unsigned long long warm;
        char word[8], other[8];
        if (sscanf("fork 1 x y", "fork %llu %7s %7s", &warm, word, other) != 3 || snprintf(reply, sizeof reply, "%d", 1) != 1) return 3;
    }
    put(1, "ready\n");
    for (;;) {
        struct pollfd fds[2] = { { .fd = 0, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return 3;
        }
        if (fds[1].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sfd, &si, sizeof si) < 0) { /* drained below */ }
            int status;
            pid_t pid;
            while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
                int n = snprintf(reply, sizeof reply, "exit %ld %d\n", (long)pid, status);
                write_all(1, reply, (size_t)n);
            }
        }
        if (fds[0].revents & (POLLIN | POLLHUP)) {
            ssize_t r = read(0, line + have, sizeof line - 1 - have);
            if (r <= 0) return 0; /* the kit went away: the server ends */
            have += (size_t)r;
            char *nl;
            while ((nl = memchr(line, '\n', have)) != NULL) {
                *nl = 0;
                unsigned long long id;
                static char err[4096], region[4096];
                if (sscanf(line, "fork %llu %4095s %4095s", &id, region, err) == 3) {
                    pid_t pid = fork();
                    if (pid == 0) {
                        close(sfd);
                        sigprocmask(SIG_UNBLOCK, &chld, NULL);
                        int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                        if (fd >= 0) {
                            dup2(fd, 1);
                            dup2(fd, 2);
                        } else {
                            close(1); /* never write into the server's control pipe */
                        }
                        close(0);
                        catch_fatal_signals();
                        serve(region, getppid());
                    }
                    int n = snprintf(reply, sizeof reply, "pid %llu %ld\n", id, (long)pid);
                    write_all(1, reply, (size_t)n);
                }
                size_t used = (size_t)(nl - line) + 1;
                memmove(line, line + used, have - used);
                have -= used;
            }
        }
    }
}
