package io.vakit.nat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which shared object defines a symbol, asked of the dynamic linker ({@code dladdr}). A lookup in a library also
 * finds the names of the libraries it depends on ({@code dlsym} searches them too), so a library without
 * {@code aligned_alloc} would otherwise be bound to glibc's: the kit checks where each function really lives.
 */
public final class SymbolOwner {
    private static final Linker LINKER = Linker.nativeLinker();
    /** {@code Dl_info}: {@code dli_fname}, {@code dli_fbase}, {@code dli_sname}, {@code dli_saddr}. */
    private static final StructLayout DL_INFO = MemoryLayout.structLayout(ValueLayout.ADDRESS.withName("dli_fname"),
            ValueLayout.ADDRESS.withName("dli_fbase"), ValueLayout.ADDRESS.withName("dli_sname"),
            ValueLayout.ADDRESS.withName("dli_saddr"));
    private static final MethodHandle DLADDR = LINKER.downcallHandle(
            LINKER.defaultLookup().find("dladdr").orElseThrow(() -> new UnsatisfiedLinkError("dladdr not found")),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));

    private SymbolOwner() {}

    /** The file of the shared object that holds {@code symbol}, or empty when the linker cannot tell. */
    public static Optional<Path> fileOf(MemorySegment symbol) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(DL_INFO);
            int found = (int) DLADDR.invokeExact(symbol, info);
            MemorySegment name = info.get(ValueLayout.ADDRESS, 0);
            if (found == 0 || name.equals(MemorySegment.NULL)) {
                return Optional.empty();
            }
            return Optional.of(Path.of(name.reinterpret(4096).getString(0)));
        } catch (Throwable t) {
            throw new IllegalStateException("dladdr failed", t);
        }
    }

    /** True when {@code symbol} is defined by the file {@code library} itself (compared as real paths). */
    public static boolean definedBy(MemorySegment symbol, Path library) {
        return fileOf(symbol).map(f -> same(f, library)).orElse(false);
    }

    private static boolean same(Path a, Path b) {
        try {
            return a.toRealPath().equals(b.toRealPath());
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }
}
