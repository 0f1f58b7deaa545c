/**
 * The conformance kit's front end: runs the contract machine against implementations found through
 * {@link java.util.ServiceLoader} and prints a verdict per rule. Imports only the SPI and the spec.
 */
package io.vakit.kit;
