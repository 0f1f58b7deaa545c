package io.vakit.spi;

/**
 * Opens allocators of one design. Registered for {@link java.util.ServiceLoader} in
 * {@code META-INF/services/io.vakit.spi.AllocatorProvider}; the kit finds implementations this way.
 */
public interface AllocatorProvider {
    /** The design every allocator this provider opens follows. */
    DesignDescriptor descriptor();

    /** Opens a new, independent allocator. The caller closes it. */
    Allocator open();

    /** The design id, the key the kit and its reports use. */
    default String id() {
        return descriptor().id();
    }
}
