package io.vakit.spi;

/**
 * A request to the kernel for memory that the kit can make fail, through {@link Allocator#injectFault}, as the kernel
 * fails one when memory or address space runs out ({@code ENOMEM}).
 */
public enum InjectedFault {
    /** Committing a range of reserved address space (making it readable and writable). */
    COMMIT,
    /** Mapping (reserving) address space. */
    MAP
}
