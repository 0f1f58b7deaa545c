/**
 * Platform abstraction for virtual memory: reserve, commit, decommit and release address space through
 * FFM downcalls to {@code mmap}, {@code mprotect}, {@code madvise} and {@code munmap}.
 *
 * <p>This is the lowest layer of vakit. It imports nothing else of vakit. Every failed call throws a
 * {@link io.vakit.pal.VirtualMemoryException} naming the call, its arguments and the errno name. A
 * {@link io.vakit.pal.FaultPlan} lets tests make the Nth call of a kind fail, without faking the OS.
 */
package io.vakit.pal;
