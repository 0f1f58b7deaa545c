/**
 * The size-class tables as the seeds write them ({@link io.vakit.spec.sizeclasses.SeedTables}: literal data, the
 * norm) and the laws every table obeys ({@link io.vakit.spec.sizeclasses.SizeClassLaws}). Imports only the SPI.
 */
package io.vakit.spec.sizeclasses;
