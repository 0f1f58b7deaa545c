/**
 * The five seed designs, one package each ({@code chunks}, {@code groups}, {@code arenas}, {@code sized},
 * {@code partitions}). Each stands on {@code io.vakit.pal} and {@code io.vakit.ds} and implements
 * {@code io.vakit.spi}. Their size-class tables are arithmetic mappings; the literal tables they must agree with
 * are in the spec ({@code io.vakit.spec.sizeclasses.SeedTables}).
 */
package io.vakit.design;
