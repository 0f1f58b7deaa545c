/**
 * The shared data structures the seeds' designs are made of, over off-heap memory: the hierarchical
 * {@link io.vakit.ds.Binmap}, the fixed-size item allocator {@link io.vakit.ds.Fsa} for runtime metadata, and the
 * bump {@link io.vakit.ds.InitArena} for start-up data. Imports only {@code io.vakit.pal}. Misuse raises this
 * package's own typed exceptions; designs translate them to the SPI's.
 */
package io.vakit.ds;
