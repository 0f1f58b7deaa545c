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
    private final long naturalAlignment;
    private final MethodHandle malloc;
    private final MethodHandle free;
    private final MethodHandle calloc;
    private final MethodHandle realloc;
    private final MethodHandle alignedAlloc;
    private final MethodHandle usableSize;
    private final LiveBlockGuard guard;
    private volatile boolean closed;

    /**
     * The bound native functions of one library. Binding is slow; share one binding between allocators.
     *
     * @param malloc malloc
     * @param free free
     * @param calloc calloc
     * @param realloc realloc
     * @param alignedAlloc aligned_alloc
     * @param usableSize malloc_usable_size
     */
    public record Binding(MethodHandle malloc, MethodHandle free, MethodHandle calloc, MethodHandle realloc,
            MethodHandle alignedAlloc, MethodHandle usableSize) {

        /**
         * Binds the functions named by {@code symbols} in {@code library}.
         *
         * @throws IllegalArgumentException if a symbol is missing; the message names it and the design
         */
        public static Binding of(String design, SymbolLookup library, MallocSymbols symbols) {
            return new Binding(
                    bind(design, library, symbols.malloc(), FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)),
                    bind(design, library, symbols.free(), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS)),
                    bind(design, library, symbols.calloc(),
                            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG)),
                    bind(design, library, symbols.realloc(),
                            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)),
                    bind(design, library, symbols.alignedAlloc(),
                            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG)),
                    bind(design, library, symbols.usableSize(),
                            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS)));
        }

        private static MethodHandle bind(String design, SymbolLookup library, String name, FunctionDescriptor fd) {
            MemorySegment symbol = library.find(name).orElseThrow(() -> new IllegalArgumentException(
                    "design '" + design + "': native symbol '" + name + "' not found"));
            return LINKER.downcallHandle(symbol, fd);
        }
    }

    /**
     * An allocator over a bound library.
     *
     * @param naturalAlignment the alignment {@code malloc} guarantees for every size
     */
    public NativeMalloc(DesignDescriptor descriptor, Binding binding, long naturalAlignment) {
        this.descriptor = descriptor;
        this.naturalAlignment = naturalAlignment;
        this.malloc = binding.malloc();
        this.free = binding.free();
        this.calloc = binding.calloc();
        this.realloc = binding.realloc();
        this.alignedAlloc = binding.alignedAlloc();
        this.usableSize = binding.usableSize();
        this.guard = new LiveBlockGuard(descriptor.id());
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        checkOpen(op);
        Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
        long address = byteAlignment <= naturalAlignment
                ? call(op, () -> (MemorySegment) malloc.invokeExact(byteSize))
                : call(op, () -> (MemorySegment) alignedAlloc.invokeExact(byteAlignment, byteSize));
        return admit(op, address, byteSize);
    }

    @Override
    public MemorySegment allocateZeroed(long byteSize) {
        String op = "allocateZeroed(size=" + byteSize + ")";
        checkOpen(op);
        Requests.checkSize(descriptor, op, byteSize);
        return admit(op, call(op, () -> (MemorySegment) calloc.invokeExact(1L, byteSize)), byteSize);
    }

    @Override
    public void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        checkOpen(op);
        guard.claim(op, block.address());
        call(op, () -> {
            free.invokeExact(block);
            return MemorySegment.NULL;
        });
    }

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        String op = Requests.onBlock("reallocate", block.address(), block.byteSize()) + "->" + newSize;
        checkOpen(op);
        Requests.checkSize(descriptor, op, newSize);
        long oldSize = guard.claim(op, block.address());
        long address = call(op, () -> (MemorySegment) realloc.invokeExact(block, newSize));
        if (address == 0) {
            guard.restore(block.address(), oldSize);
            throw new AddressSpaceExhaustedException(descriptor.id(), op, "native realloc returned NULL");
        }
        guard.added(address, newSize);
        return MemorySegment.ofAddress(address).reinterpret(newSize);
    }

    @Override
    public long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        checkOpen(op);
        guard.sizeOf(op, block.address());
        try {
            return (long) usableSize.invokeExact(block);
        } catch (Throwable t) {
            throw new IllegalStateException(op + ": native call failed", t);
        }
    }

    @Override
    public Stats stats() {
        checkOpen("stats()");
        return new Stats(0, 0, guard.liveBytes(), guard.liveCount());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (long address : guard.drain().keySet()) {
            try {
                free.invokeExact(MemorySegment.ofAddress(address));
            } catch (Throwable t) {
                throw new IllegalStateException("close() in design '" + descriptor.id() + "': native free failed", t);
            }
        }
    }

    private MemorySegment admit(String op, long address, long size) {
        if (address == 0) {
            throw new AddressSpaceExhaustedException(descriptor.id(), op, "native allocator returned NULL");
        }
        guard.added(address, size);
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    private void checkOpen(String op) {
        if (closed) {
            throw new AllocatorClosedException(descriptor.id(), op, "the allocator is closed");
        }
    }

    @FunctionalInterface
    private interface NativeCall {
        MemorySegment call() throws Throwable;
    }

    private long call(String op, NativeCall call) {
        try {
            return call.call().address();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(op + " in design '" + descriptor.id() + "': native call failed", t);
        }
    }
}
