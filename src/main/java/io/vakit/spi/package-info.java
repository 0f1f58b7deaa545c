/**
 * The contract every vakit allocator implements, and everything the conformance kit may rely on.
 *
 * <p>An {@link io.vakit.spi.Allocator} is a {@link java.lang.foreign.SegmentAllocator} that can also free,
 * optionally reallocate, look up owners and report {@link io.vakit.spi.Stats}. Its
 * {@link io.vakit.spi.DesignDescriptor} names the design, its size classes, alignment guarantee and
 * {@link io.vakit.spi.Feature features}. Misuse raises one of the typed exceptions that implement
 * {@link io.vakit.spi.AllocatorFault}; each extends the JDK exception a caller of {@code SegmentAllocator}
 * already expects. Implementations are found through {@link java.util.ServiceLoader} as
 * {@link io.vakit.spi.AllocatorProvider}s.
 *
 * <p>This package imports nothing else of vakit.
 */
package io.vakit.spi;
