/**
 * The layout laws of the seed designs: what a {@link io.vakit.spi.Placement} must look like for an implementation
 * that declares it follows a design. Each law is the design's address arithmetic, written from its spec document,
 * and imports only the SPI.
 */
package io.vakit.spec.layout;
