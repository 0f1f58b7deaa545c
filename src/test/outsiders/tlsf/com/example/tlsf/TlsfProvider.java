package com.example.tlsf;

import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.util.EnumSet;

/**
 * The TLSF allocator: a 1 GiB pool (mapped, so untouched pages cost nothing), blocks up to 64 MiB, 16-byte aligned;
 * its small configuration is a 1 MiB pool, to run out of.
 */
public class TlsfProvider implements AllocatorProvider {
    /** The pool of the normal configuration, and of the small one. */
    public static final long POOL = 1L << 30;
    public static final long SMALL_POOL = 1L << 20;
    /** The largest block. */
    public static final long MAX_BLOCK = 64L << 20;

    private final DesignDescriptor descriptor;

    /** Used by {@code -Dvakit.impl}. */
    public TlsfProvider() {
        this("tlsf", "two-level segregated fit over one mapped pool");
    }

    TlsfProvider(String id, String title) {
        this.descriptor = new DesignDescriptor(id, title, null, AlignmentGuarantee.fixed(TlsfAllocator.ALIGN),
                TlsfAllocator.ALIGN, MAX_BLOCK, EnumSet.of(Feature.REALLOC, Feature.USABLE_SIZE, Feature.OWNER_LOOKUP,
                        Feature.CONTAINMENT, Feature.SMALL_CONFIGURATION, Feature.INVALID_FREE_DETECTION,
                        Feature.THREAD_SAFE));
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Allocator open() {
        return open(POOL);
    }

    @Override
    public Allocator openSmall() {
        return open(SMALL_POOL);
    }

    /** An allocator over a pool of {@code pool} bytes. */
    protected Allocator open(long pool) {
        return new TlsfAllocator(descriptor, pool);
    }
}
