package io.vakit.nat;

import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Requests;
import io.vakit.spi.Stats;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A native malloc-family allocator bound through FFM. Requests are checked against the descriptor, invalid
 * frees are refused by a {@link LiveBlockGuard} before they reach native code, and a NULL result becomes
 * {@link AddressSpaceExhaustedException}. The native calls themselves run unserialised.
 */
public final class NativeMalloc implements Allocator {
    private static final Linker LINKER = Linker.nativeLinker();

    private final DesignDescriptor descriptor;
    private final MallocCalls calls;
    /** What the binding decides in front of the library ({@link io.vakit.spi.AllocatorProvider#bindingDecides()}). */
    public static final String GUARD = "vakit's LiveBlockGuard refuses invalid, double and foreign frees, and the binding"
            + " refuses bad sizes and alignments, before the library is called; the guard counts the live blocks";
    private final LiveBlockGuard guard;
    /** Every call passes it; close shuts it once the calls inside have left (a native call is never cut short). */
    private final io.vakit.ds.CloseGate gate = new io.vakit.ds.CloseGate();

    /**
     * The bound native functions of one library. Binding is slow; share one binding between allocators. Optional
     * functions the library lacks are {@code null}.
     *
     * @param malloc malloc
     * @param free free, or free(ptr, size) when {@code sized}
     * @param calloc calloc, or null
     * @param realloc realloc, or realloc(ptr, old, new) when {@code sized}, or null
     * @param alignedAlloc aligned_alloc, or null
     * @param usableSize malloc_usable_size, or null
     * @param sized true when free and realloc take the old size
     */
    public record Binding(MethodHandle malloc, MethodHandle free, MethodHandle calloc, MethodHandle realloc,
            MethodHandle alignedAlloc, MethodHandle usableSize, boolean sized, MethodHandle liveCount,
            java.util.Map<String, String> absent, java.util.Map<String, String> names) {

        /** Freezes the names of the absent and the bound functions. */
        public Binding {
            absent = java.util.Map.copyOf(absent);
            names = java.util.Map.copyOf(names);
        }

        /** This binding without its aligned allocation, which the library refused for {@code why}. */
        public Binding withoutAlignedAlloc(String why) {
            java.util.Map<String, String> a = new java.util.TreeMap<>(absent);
            a.put("aligned_alloc", why);
            java.util.Map<String, String> n = new java.util.TreeMap<>(names);
            n.remove("aligned_alloc");
            return new Binding(malloc, free, calloc, realloc, null, usableSize, sized, liveCount, a, n);
        }

        /**
         * Binds the functions named by {@code symbols} in {@code library}.
         *
         * @throws IllegalArgumentException if a required symbol is missing; the message names it and the design
         */
        public static Binding of(String design, SymbolLookup library, MallocSymbols symbols) {
            return of(design, library, symbols, null);
        }

        /**
         * Binds the functions named by {@code symbols} in {@code library}, the file {@code owner}: a function the file
         * does not define itself (found in a library it depends on, such as glibc) is left unbound, and the features it
         * would give are not declared; {@code malloc} and {@code free} must be its own. With a null {@code owner},
         * wherever the lookup finds them (glibc's default lookup). A guessed optional name ({@link
         * MallocSymbols#guessed}) the library does not export is left unbound too, and named in {@link #absent}.
         *
         * @throws IllegalArgumentException if {@code malloc} or {@code free} is missing or not the library's own, or a
         *     function named explicitly is missing: one line that names it
         */
        public static Binding of(String design, SymbolLookup library, MallocSymbols symbols, java.nio.file.Path owner) {
            boolean sized = symbols.sizedFree();
            java.util.Map<String, String> absent = new java.util.TreeMap<>();
            java.util.Map<String, String> names = new java.util.TreeMap<>();
            Binder b = new Binder(design, library, owner, symbols.guessed(), absent, names);
            return new Binding(
                    b.bind("malloc", symbols.malloc(), true, FunctionDescriptor.of(ValueLayout.ADDRESS,
                            ValueLayout.JAVA_LONG)),
                    b.bind("free", symbols.free(), true, sized
                            ? FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)
                            : FunctionDescriptor.ofVoid(ValueLayout.ADDRESS)),
                    b.bind("calloc", symbols.calloc(), false,
                            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG)),
                    b.bind("realloc", symbols.realloc(), false, sized
                            ? FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                                    ValueLayout.JAVA_LONG)
                            : FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)),
                    b.bind("aligned_alloc", symbols.alignedAlloc(), false,
                            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG)),
                    b.bind("usable_size", symbols.usableSize(), false,
                            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS)),
                    sized,
                    b.bind("live_count", symbols.liveCount(), false, FunctionDescriptor.of(ValueLayout.JAVA_LONG)),
                    absent, names);
        }

        /** Binds one function after another, noting the absent ones. */
        private record Binder(String design, SymbolLookup library, java.nio.file.Path owner, boolean guessed,
                java.util.Map<String, String> absent, java.util.Map<String, String> names) {
            MethodHandle bind(String function, String name, boolean required, FunctionDescriptor fd) {
                if (name == null) {
                    return null;
                }
                java.util.Optional<MemorySegment> found = library.find(name);
                if (found.isEmpty()) {
                    if (required || !guessed) {
                        throw new IllegalArgumentException("design '" + design + "': the library exports no '" + name
                                + "'" + (required ? " (" + function + " is required)" : " (named in the symbols)"));
                    }
                    absent.put(function, "the library exports no " + name);
                    return null;
                }
                MemorySegment symbol = found.get();
                if (owner != null && !SymbolOwner.definedBy(symbol, owner)) {
                    if (required) {
                        throw new IllegalArgumentException("design '" + design + "': native symbol '" + name + "' is "
                                + "not defined by " + owner + " but by " + SymbolOwner.fileOf(symbol).map(Object::toString)
                                        .orElse("an unknown object") + " (a library it depends on)");
                    }
                    absent.put(function, name + " is not the library's own (" + SymbolOwner.fileOf(symbol)
                            .map(Object::toString).orElse("an unknown object") + " defines it)");
                    return null; // someone else's: the library does not offer it
                }
                names.put(function, name);
                return LINKER.downcallHandle(symbol, fd);
            }
        }

        /** The features these functions (behind the guard) offer. */
        public java.util.EnumSet<io.vakit.spi.Feature> features(boolean threadSafe) {
            var f = java.util.EnumSet.of(io.vakit.spi.Feature.INVALID_FREE_DETECTION);
            if (realloc != null) {
                f.add(io.vakit.spi.Feature.REALLOC);
            }
            if (alignedAlloc != null) {
                f.add(io.vakit.spi.Feature.ALIGNED_ALLOCATION);
            }
            if (usableSize != null) {
                f.add(io.vakit.spi.Feature.USABLE_SIZE);
            }
            if (threadSafe) {
                f.add(io.vakit.spi.Feature.THREAD_SAFE);
            }
            return f;
        }
    }

    /**
     * An allocator over a bound library; its descriptor's alignment guarantee is what {@code malloc} gives.
     */
    public NativeMalloc(DesignDescriptor descriptor, Binding binding) {
        this(descriptor, new Downcalls(binding));
    }

    /** An allocator over the library's calls, wherever they run. */
    NativeMalloc(DesignDescriptor descriptor, MallocCalls calls) {
        this.descriptor = descriptor;
        this.calls = calls;
        this.guard = new LiveBlockGuard(descriptor.id());
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    /** The library's process's memory: this one's, or a forked child's. */
    @Override
    public io.vakit.spi.BlockMemory blockMemory() {
        return calls.memory();
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        enter(op);
        try {
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
            long natural = descriptor.alignment().alignmentFor(byteSize);
            if (byteAlignment > natural && !calls.hasAlignedAlloc()) {
                throw new io.vakit.spi.InvalidAlignmentException(descriptor.id(), op, "alignment " + byteAlignment
                        + " is above the natural " + natural + " and the library has no aligned allocation");
            }
            // C11 asks aligned_alloc for a size that is a multiple of the alignment: the call asks for that (the block is
            // still byteSize bytes), so a library that holds callers to it refuses nothing valid
            long multiple = (byteSize + byteAlignment - 1) & -byteAlignment;
            long address = byteAlignment <= natural
                    ? call(op, () -> calls.malloc(byteSize))
                    : call(op, () -> calls.alignedAlloc(byteAlignment, multiple));
            return admit(op, address, byteSize);
        } finally {
            gate.exit();
        }
    }

    @Override
    public MemorySegment allocateZeroed(long byteSize) {
        String op = "allocateZeroed(size=" + byteSize + ")";
        enter(op);
        try {
            Requests.checkSize(descriptor, op, byteSize);
            if (!calls.hasCalloc()) {
                MemorySegment block = allocate(byteSize);
                calls.memory().zero(block);
                return block;
            }
            return admit(op, call(op, () -> calls.calloc(1L, byteSize)), byteSize);
        } finally {
            gate.exit();
        }
    }

    /**
     * {@code calloc(count, size)} of the library itself, overflowing products included: the library must refuse
     * them (NULL), and that refusal is its own. One it accepts anyway is freed, and reported as accepted. A factor
     * below 1 is refused before the call, as a size of 0 is (C lets {@code calloc(0, n)} return a pointer).
     */
    @Override
    public MemorySegment allocateZeroed(long count, long elementSize) {
        String op = "allocateZeroed(count=" + count + ", size=" + elementSize + ")";
        enter(op);
        try {
            boolean overflows = count >= 1 && elementSize >= 1 && Requests.productOverflows(count, elementSize);
            if (!overflows || !calls.hasCalloc()) { // a factor below 1 is vakit's own refusal, as size 0 is
                return Allocator.super.allocateZeroed(count, elementSize);
            }
            long address = call(op, () -> calls.calloc(count, elementSize));
            if (address == 0) {
                throw new io.vakit.spi.InvalidSizeException(descriptor.id(), op, "the library's calloc refused a product"
                        + " that overflows (it returned NULL)");
            }
            call(op, () -> {
                calls.free(address, 1L);
                return 0;
            });
            return MemorySegment.ofAddress(address); // accepted: the kit reports the library's acceptance
        } finally {
            gate.exit();
        }
    }

    @Override
    public void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        enter(op);
        try {
            long size = guard.claim(op, block.address());
            call(op, () -> {
                calls.free(block.address(), size);
                return 0;
            });
        } finally {
            gate.exit();
        }
    }

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        String op = Requests.onBlock("reallocate", block.address(), block.byteSize()) + "->" + newSize;
        enter(op);
        try {
            Requests.checkSize(descriptor, op, newSize);
            if (!calls.hasRealloc()) {
                return Allocator.super.reallocate(block, newSize);
            }
            long oldSize = guard.claim(op, block.address());
            long address = call(op, () -> calls.realloc(block.address(), oldSize, newSize));
            if (address == 0) {
                guard.restore(block.address(), oldSize);
                throw new AddressSpaceExhaustedException(descriptor.id(), op, "native realloc returned NULL");
            }
            guard.added(address, newSize);
            return MemorySegment.ofAddress(address).reinterpret(newSize);
        } finally {
            gate.exit();
        }
    }

    @Override
    public long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        enter(op);
        try {
            if (!calls.hasUsableSize()) {
                return Allocator.super.usableSize(block);
            }
            guard.sizeOf(op, block.address());
            return call(op, () -> calls.usableSize(block.address()));
        } finally {
            gate.exit();
        }
    }

    @Override
    public Stats stats() {
        enter("stats()");
        try {
            long count = calls.hasLiveCount() ? call("stats()", calls::liveCount) : guard.liveCount();
            return new Stats(0, 0, guard.liveBytes(), count);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void close() {
        try {
            gate.close(this::freeAll);
        } finally {
            calls.release();
        }
    }

    /** Frees every block still live through the binding: what close does, once no call is inside. */
    private void freeAll() {
        for (var e : guard.drain().entrySet()) {
            call("close()", () -> {
                calls.free(e.getKey(), e.getValue());
                return 0;
            });
        }
    }

    private MemorySegment admit(String op, long address, long size) {
        if (address == 0) {
            throw new AddressSpaceExhaustedException(descriptor.id(), op, "native allocator returned NULL");
        }
        guard.added(address, size);
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    /** Enters the close gate for {@code op}; pair with {@code gate.exit()}. */
    private void enter(String op) {
        if (!gate.enter()) {
            throw new AllocatorClosedException(descriptor.id(), op, "the allocator is closed");
        }
    }

    @FunctionalInterface
    private interface NativeCall {
        long call() throws Throwable;
    }

    /** One call of the library; a failure that is not the library's answer (an FFM error) names {@code op}. */
    private long call(String op, NativeCall call) {
        try {
            return call.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(op + " in design '" + descriptor.id() + "': native call failed", t);
        }
    }
}
