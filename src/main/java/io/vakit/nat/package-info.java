/**
 * Native allocators reached through FFM, bound to the SPI: glibc malloc today, any {@code .so} exporting the
 * malloc family later. A {@link io.vakit.nat.LiveBlockGuard} keeps invalid frees away from the native code,
 * which would otherwise abort the process or corrupt its heap.
 */
package io.vakit.nat;
