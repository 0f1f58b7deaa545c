package io.vakit.nat;

import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.AllocatorProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Compiles src/test/c (the broken allocators, and a correct one with seed 003's API) with the machine's gcc, once,
 * into one library, and offers its allocators.
 */
public final class BrokenNativeLibrary {
    private static final List<String> SOURCES = List.of("src/test/c/vakit_broken.c", "src/test/c/vakit_seed003_shim.c",
            "src/test/c/vakit_trapping.c", "src/test/c/vakit_partial.c");
    private static final Path LIBRARY = Path.of("target/native/libvakit_broken.so");
    private static String failure;

    private BrokenNativeLibrary() {}

    /** True when the library is missing or older than one of its sources. */
    private static boolean stale() {
        try {
            if (!Files.isRegularFile(LIBRARY)) {
                return true;
            }
            var built = Files.getLastModifiedTime(LIBRARY);
            for (String source : SOURCES) {
                if (Files.getLastModifiedTime(Path.of(source)).compareTo(built) > 0) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /** The compiled library; aborts the calling test, with the reason printed, when gcc is missing or fails. */
    public static synchronized Path library() {
        if (failure == null && stale()) {
            try {
                Files.createDirectories(LIBRARY.getParent());
                // built beside it and renamed into place: test JVMs running at once never load a half-written file
                Path tmp = LIBRARY.resolveSibling(LIBRARY.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
                List<String> cmd = new java.util.ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-O1", "-o",
                        tmp.toString()));
                cmd.addAll(SOURCES);
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    failure = "gcc failed: " + out;
                } else {
                    Files.move(tmp, LIBRARY, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (Exception e) {
                failure = "gcc is not usable here: " + e;
            }
        }
        if (failure != null) {
            System.out.println("skipped: " + failure);
            Assumptions.abort(failure);
        }
        return LIBRARY;
    }

    /** glibc malloc that returns the previous block again every third time. */
    public static AllocatorProvider overlapping() {
        return named("broken-native-overlap", "malloc=ovl_malloc,free=ovl_free", 16, true);
    }

    /** A correct allocator with seed 003's API: {@code Malloc}, {@code Free(ptr, size)}, {@code Remalloc(ptr, old, new)}. */
    public static AllocatorProvider seed003Style() {
        return named("native-seed003", "seed003", 16, true);
    }

    /**
     * A segregated allocator with a class confusion on free: a large block goes onto the 16-byte class's list and is
     * then unmapped, so the library later follows a dangling link and crashes in its own code.
     */
    public static AllocatorProvider classConfusion() {
        return named("broken-native-confusion", "malloc=cc_malloc,free=cc_free", 16, false);
    }

    /** A spin lock around glibc's malloc that a large allocation never unlocks: the next call hangs. */
    public static AllocatorProvider forgottenUnlock() {
        return named("broken-native-hang", "malloc=lk_malloc,free=lk_free", 16, false);
    }

    /** glibc malloc whose 97th allocation since the library was loaded returns the previous block again. */
    public static AllocatorProvider countedOverlap() {
        return named("broken-native-counted", "malloc=cnt_malloc,free=cnt_free", 16, false);
    }

    /**
     * One of the library's allocators, named as its replays carry it ({@code native:<path>?id=...}), so that a worker
     * process can bind it again.
     */
    private static AllocatorProvider named(String id, String symbols, long alignment, boolean threadSafe) {
        return new NativeProviderSource().resolve(NativeProviderSource.PREFIX + library().toAbsolutePath() + "?id=" + id
                + "&symbols=" + symbols + "&alignment=" + alignment + "&threadSafe=" + threadSafe).orElseThrow();
    }

    /** glibc malloc with its own count of live blocks mapped ({@code live_count=lc_live_count}). */
    public static AllocatorProvider counted() {
        return named("native-counted", "malloc=lc_malloc,free=lc_free,live_count=lc_live_count", 16, false);
    }

    /** The same, whose count drifts: a free of a block above 1 KiB is not counted out. */
    public static AllocatorProvider driftingCount() {
        return named("broken-native-count", "malloc=lc_malloc,free=lcd_free,live_count=lc_live_count", 16, false);
    }

    /** A hardened allocator in miniature that stops on misuse with {@code ud2} (SIGILL). */
    public static AllocatorProvider trappingUd2() {
        return named("native-traps-ud2", "malloc=trp_malloc,free=trp_free", 16, false);
    }

    /** The same, with {@code int3} (SIGTRAP). */
    public static AllocatorProvider trappingInt3() {
        return named("native-traps-int3", "malloc=tri_malloc,free=tri_free", 16, false);
    }

    /**
     * A library bound by {@code prefix:part_} that exports only malloc, free, realloc and an aligned_alloc that refuses
     * alignments above a page.
     */
    public static AllocatorProvider partial(String extra) {
        return named("native-partial", "prefix:part_", 16, true, extra);
    }

    private static AllocatorProvider named(String id, String symbols, long alignment, boolean threadSafe, String extra) {
        return new NativeProviderSource().resolve(NativeProviderSource.PREFIX + library().toAbsolutePath() + "?id=" + id
                + "&symbols=" + symbols + "&alignment=" + alignment + "&threadSafe=" + threadSafe + extra).orElseThrow();
    }

    /** An unsynchronised free list, declared thread-safe. */
    public static AllocatorProvider racy() {
        return named("broken-native-racy", "malloc=racy_malloc,free=racy_free", 64, true);
    }
}
