package io.vakit.nat;

import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.Allocator;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.lang.foreign.Linker;
import java.util.EnumSet;

/**
 * glibc's malloc through FFM: the first implementation under test, a real allocator no one here wrote.
 * Its natural alignment is 16 bytes on x86-64 and AArch64; explicit alignments go to {@code aligned_alloc}.
 */
public final class GlibcProvider implements GuardedNativeProvider {
    /** The largest explicit alignment the binding accepts. */
    public static final long MAX_ALIGNMENT = 1L << 20;
    /** The largest request the binding passes on (1 TiB); glibc answers larger ones with NULL anyway. */
    public static final long MAX_BLOCK = 1L << 40;

    private static final DesignDescriptor DESCRIPTOR = new DesignDescriptor("glibc",
            "glibc malloc through FFM (guarded: invalid frees never reach native code)", null,
            AlignmentGuarantee.fixed(16), MAX_ALIGNMENT, MAX_BLOCK,
            EnumSet.of(Feature.REALLOC, Feature.ALIGNED_ALLOCATION, Feature.USABLE_SIZE,
                    Feature.INVALID_FREE_DETECTION, Feature.THREAD_SAFE));

    private static final NativeMalloc.Binding BINDING =
            NativeMalloc.Binding.of("glibc", Linker.nativeLinker().defaultLookup(), MallocSymbols.prefixed(""));

    /** The bound glibc functions, shared by every allocator (binding is slow). */
    public static NativeMalloc.Binding binding() {
        return BINDING;
    }

    /** The process's own malloc. */
    @Override
    public java.nio.file.Path libraryFile() {
        return null;
    }

    @Override
    public NativeMalloc.Binding nativeBinding() {
        return BINDING;
    }

    @Override
    public DesignDescriptor descriptor() {
        return DESCRIPTOR;
    }

    /** glibc's own answers to misuse, each in a fresh process ({@link Hardening}). */
    @Override
    public java.util.List<io.vakit.spi.MisuseResponse> hardening() {
        return Hardening.measure("glibc", false);
    }

    @Override
    public Allocator open() {
        return new NativeMalloc(DESCRIPTOR, BINDING);
    }
}
