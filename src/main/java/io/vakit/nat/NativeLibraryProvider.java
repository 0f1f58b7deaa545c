package io.vakit.nat;

import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.Allocator;
import io.vakit.spi.DesignDescriptor;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Any native allocator in a {@code .so}, loaded with {@link SymbolLookup#libraryLookup(Path, Arena)} and bound
 * through FFM by its {@link MallocSymbols}. Its features follow from the functions it has and from whether it is
 * declared thread-safe; invalid frees are refused by the guard before they reach it.
 */
public final class NativeLibraryProvider implements GuardedNativeProvider {
    private final DesignDescriptor descriptor;
    private final NativeMalloc.Binding binding;
    private final Path library;
    private String replayName;

    /** The largest alignment a measure tries: 1 MiB. */
    static final long MEASURED_UP_TO = AlignmentProbe.UP_TO;

    /**
     * Loads and binds {@code library}.
     *
     * @param id the design id to report under
     * @param alignment the alignment its malloc guarantees, by size
     * @param threadSafe whether it is declared thread-safe (the concurrency checks then run)
     * @param deviations known deviations, printed with every report
     * @throws IllegalArgumentException when the file is missing or a named symbol is not in it
     */
    public NativeLibraryProvider(String id, Path library, MallocSymbols symbols, AlignmentGuarantee alignment,
            boolean threadSafe, java.util.List<String> deviations) {
        this(id, library, symbols, alignment, threadSafe, deviations, 0);
    }

    /**
     * Loads and binds {@code library}, whose aligned allocation serves alignments up to {@code maxAlignment}; 0 measures
     * it, in a child process ({@link AlignmentProbe}): the largest power of two up to {@value #MEASURED_UP_TO} bytes
     * that {@code aligned_alloc(a, a)} serves, each smaller one served too (C11 lets a library refuse an alignment it
     * does not support, with NULL).
     */
    public NativeLibraryProvider(String id, Path library, MallocSymbols symbols, AlignmentGuarantee alignment,
            boolean threadSafe, java.util.List<String> deviations, long maxAlignment) {
        if (!Files.isRegularFile(library)) {
            throw new IllegalArgumentException("native library for '" + id + "': no such file " + library);
        }
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("native library for '" + id + "': dlopen(" + library + ") failed. "
                    + "A library with initial-exec TLS (jemalloc) needs static TLS room: start the JVM with "
                    + "GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384 (the build does)", e);
        }
        NativeMalloc.Binding bound = NativeMalloc.Binding.of(id, lookup, symbols, library);
        long natural = alignment.alignmentFor(1);
        long largest = bound.alignedAlloc() == null ? natural : maxAlignment > 0 ? maxAlignment
                : AlignmentProbe.measure(library, symbols.spec(bound.absent().keySet()), natural);
        if (bound.alignedAlloc() != null && largest <= natural) {
            bound = bound.withoutAlignedAlloc(symbols.alignedAlloc() + " returned NULL for an alignment of "
                    + 2 * natural);
            largest = natural;
        }
        this.binding = bound;
        this.library = library;
        this.descriptor = new DesignDescriptor(id, "native " + library + " (" + symbols.malloc() + ", ...)", null,
                alignment, largest, 1L << 40, binding.features(threadSafe), deviations);
    }

    /**
     * Why a feature the library's functions would give is not declared: the function it needs is absent (the
     * library exports none of that name, or it is another library's), or its aligned_alloc refused the smallest
     * alignment above the natural one.
     */
    @Override
    public java.util.Optional<String> whyNot(io.vakit.spi.Feature feature) {
        String function = switch (feature) {
            case REALLOC -> "realloc";
            case ALIGNED_ALLOCATION -> "aligned_alloc";
            case USABLE_SIZE -> "usable_size";
            default -> null;
        };
        return java.util.Optional.ofNullable(function == null ? null : binding.absent().get(function));
    }

    /**
     * This library as a name that builds it again: {@code native:<path>?symbols=<s>&alignment=<a>&threadSafe=<t>}
     * ({@link NativeProviderSource#resolve}); replays of a library named by its path carry it.
     */
    NativeLibraryProvider locatedBy(String name) {
        this.replayName = name;
        return this;
    }

    @Override
    public String replayName() {
        return replayName != null ? replayName : descriptor.id();
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Path libraryFile() {
        return library;
    }

    @Override
    public NativeMalloc.Binding nativeBinding() {
        return binding;
    }

    /** The library's raw functions, without the guard: for {@link Hardening}. */
    NativeMalloc.Binding rawBinding() {
        return binding;
    }

    /** The live count is the library's own when its user mapped a {@code live_count} function. */
    @Override
    public boolean bindingCountsLiveBlocks() {
        return binding.liveCount() == null;
    }

    /**
     * The guard's rules, M7, and C6 when the library binds no {@code calloc}: its zeroed blocks are then its
     * {@code malloc}'s, filled with zeros by the binding, so their zeros are the binding's.
     */
    @Override
    public java.util.Map<String, String> bindingRules() {
        java.util.Map<String, String> rules = new java.util.TreeMap<>(GuardedNativeProvider.super.bindingRules());
        if (binding.calloc() == null) {
            rules.put("C6", "the library binds no calloc (" + binding.absent().getOrDefault("calloc", "none is named")
                    + "): a zeroed block is its malloc's, zero-filled by the binding");
        }
        return rules;
    }

    /** The library's own answers to misuse, each in a fresh process ({@link Hardening}). */
    @Override
    public java.util.List<io.vakit.spi.MisuseResponse> hardening() {
        return Hardening.measure(replayName(), binding.sized());
    }

    @Override
    public Allocator open() {
        return new NativeMalloc(descriptor, binding);
    }
}
