/**
 * vakit: reference virtual-address-space allocators on FFM, with their executable specification and
 * conformance kit. Layers, bottom up: {@code pal} (virtual memory), {@code ds} (shared structures), the designs
 * and {@code nat} (native bindings), which implement {@code spi}; the spec ({@code spec/}) sees only the SPI.
 */
package io.vakit;
