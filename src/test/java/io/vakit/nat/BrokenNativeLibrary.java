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
    private static final List<String> SOURCES = List.of("src/test/c/vakit_broken.c", "src/test/c/vakit_seed003_shim.c");
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
                List<String> cmd = new java.util.ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-O1", "-o",
                        LIBRARY.toString()));
                cmd.addAll(SOURCES);
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    failure = "gcc failed: " + out;
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
        return new NativeLibraryProvider("broken-native-overlap", library(),
                MallocSymbols.parse("malloc=ovl_malloc,free=ovl_free"), AlignmentGuarantee.fixed(16), true, List.of());
    }

    /** A correct allocator with seed 003's API: {@code Malloc}, {@code Free(ptr, size)}, {@code Remalloc(ptr, old, new)}. */
    public static AllocatorProvider seed003Style() {
        return new NativeLibraryProvider("native-seed003", library(), MallocSymbols.parse("seed003"),
                AlignmentGuarantee.fixed(16), true, List.of());
    }

    /** An unsynchronised free list, declared thread-safe. */
    public static AllocatorProvider racy() {
        return new NativeLibraryProvider("broken-native-racy", library(),
                MallocSymbols.parse("malloc=racy_malloc,free=racy_free"), AlignmentGuarantee.fixed(64), true, List.of());
    }
}
