/**
 * The allocator contract as an executable specification: {@link io.vakit.spec.contract.AllocatorModel} holds
 * the truth, {@link io.vakit.spec.contract.ContractMachine} drives any {@link io.vakit.spi.Allocator} and the
 * model together, and every clause is a {@link io.vakit.spec.contract.Rule} with an id that links to
 * {@code spec/contract.md}. This package imports only the SPI.
 */
package io.vakit.spec.contract;
