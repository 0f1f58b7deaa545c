package io.vakit.spec.docs;

import java.util.Map;
import java.util.function.Supplier;

/**
 * Renders generated tables for {@code spec/*.md}, by name. Registered for {@link java.util.ServiceLoader}, so
 * layers the spec may not import (the data structures, the designs) can still render their own tables from the
 * code.
 */
public interface TableSource {
    /** Table name to renderer. */
    Map<String, Supplier<String>> tables();
}
