package io.vakit.bench.fast;

import io.vakit.design.partitions.PartitionsProvider;
import io.vakit.design.partitionsfast.PartitionsFastProvider;
import io.vakit.spi.Allocator;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * What a benchmark allocates from, by its name in {@code @Param}: a vakit design through the SPI, a native malloc
 * through FFM without vakit's guard (bare downcalls), an
 * {@link Arena} per block (closed to free it), or Netty's pooled direct allocator. Each JMH fork measures one subject,
 * so the calls below stay monomorphic.
 */
public abstract class Subject implements AutoCloseable {
    /** A block of {@code size} bytes. */
    public abstract Object alloc(long size);

    /** Frees a block {@link #alloc} returned, from any thread. */
    public abstract void free(Object block);

    /**
     * A block that stays live for a whole trial, freed by {@link #free} from whichever thread ends the trial: the same
     * as {@link #alloc}, but for confined arenas, which only their own thread may close.
     */
    public Object allocResident(long size) {
        return alloc(size);
    }

    /** Committed bytes over live bytes now, or NaN when the subject does not say. */
    public double committedOverLive() {
        return Double.NaN;
    }

    @Override
    public void close() {}

    /** The subject named {@code name}. */
    public static Subject of(String name) {
        return switch (name) {
            case "partitions-fast" -> new Design(new PartitionsFastProvider().open());
            case "partitions" -> new Design(new PartitionsProvider().open());
            case "glibc" -> new Glibc();
            case "jemalloc" -> new Jemalloc();
            case "mimalloc" -> new Mimalloc();
            case "arena-confined" -> new PerBlockArena(false);
            case "arena-shared" -> new PerBlockArena(true);
            case "netty" -> NettyPooled.open();
            default -> throw new IllegalArgumentException("no subject " + name);
        };
    }

    private static SymbolLookup library(String file) {
        return SymbolLookup.libraryLookup(Path.of("/usr/lib/x86_64-linux-gnu", file), Arena.global());
    }

    /** A vakit design through the SPI. */
    static final class Design extends Subject {
        private final Allocator allocator;

        Design(Allocator allocator) {
            this.allocator = allocator;
        }

        @Override
        public Object alloc(long size) {
            return allocator.allocate(size);
        }

        @Override
        public void free(Object block) {
            allocator.free((MemorySegment) block);
        }

        @Override
        public double committedOverLive() {
            io.vakit.spi.Stats s = allocator.stats();
            return (double) s.committedBytes() / Math.max(1, s.liveBytes());
        }

        @Override
        public void close() {
            allocator.close();
        }
    }

    /** A native malloc and free, bare downcalls held in constants (one subclass per library). */
    abstract static class Native extends Subject {
        static MethodHandle[] bind(SymbolLookup lookup, String mallocName, String freeName) {
            Linker linker = Linker.nativeLinker();
            return new MethodHandle[] {
                linker.downcallHandle(lookup.findOrThrow(mallocName),
                        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)),
                linker.downcallHandle(lookup.findOrThrow(freeName), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS))};
        }
    }

    /** glibc, the process's malloc. */
    static final class Glibc extends Native {
        private static final MethodHandle[] H = bind(Linker.nativeLinker().defaultLookup(), "malloc", "free");
        private static final MethodHandle MALLOC = H[0];
        private static final MethodHandle FREE = H[1];

        @Override
        public Object alloc(long size) {
            try {
                return (MemorySegment) MALLOC.invokeExact(size);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void free(Object block) {
            try {
                FREE.invokeExact((MemorySegment) block);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        /** Committed over live from glibc's own {@code mallinfo2}: (arena + hblkhd) / (uordblks + hblkhd). */
        @Override
        public double committedOverLive() {
            return MallInfo.committedOverLive();
        }
    }

    /** jemalloc (Debian's libjemalloc2). */
    static final class Jemalloc extends Native {
        private static final MethodHandle[] H = bind(library("libjemalloc.so.2"), "malloc", "free");
        private static final MethodHandle MALLOC = H[0];
        private static final MethodHandle FREE = H[1];

        @Override
        public Object alloc(long size) {
            try {
                return (MemorySegment) MALLOC.invokeExact(size);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void free(Object block) {
            try {
                FREE.invokeExact((MemorySegment) block);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** mimalloc (Debian's libmimalloc2.0), by its mi_ names. */
    static final class Mimalloc extends Native {
        private static final MethodHandle[] H = bind(library("libmimalloc.so.2"), "mi_malloc", "mi_free");
        private static final MethodHandle MALLOC = H[0];
        private static final MethodHandle FREE = H[1];

        @Override
        public Object alloc(long size) {
            try {
                return (MemorySegment) MALLOC.invokeExact(size);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void free(Object block) {
            try {
                FREE.invokeExact((MemorySegment) block);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** An arena per block: allocate in a new arena, close it to free. */
    static final class PerBlockArena extends Subject {
        private final boolean shared;

        PerBlockArena(boolean shared) {
            this.shared = shared;
        }

        @Override
        public Object alloc(long size) {
            Arena arena = shared ? Arena.ofShared() : Arena.ofConfined();
            arena.allocate(size);
            return arena;
        }

        @Override
        public void free(Object block) {
            ((Arena) block).close();
        }

        @Override
        public Object allocResident(long size) {
            Arena arena = Arena.ofShared();
            arena.allocate(size);
            return arena;
        }
    }
}
