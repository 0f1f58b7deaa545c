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

    /**
     * Opens an allocator of the same design whose address space is small enough to exhaust in a test (a few
     * megabytes), on the same code path as {@link #open()}; the design then declares
     * {@link Feature#SMALL_CONFIGURATION}. Its {@link Allocator#descriptor()} may have a shorter size-class table or
     * a lower maximum alignment than the provider's (a smaller layout has fewer classes); the kit judges it by its own.
     *
     * @throws FeatureNotOfferedException unless the design declares {@link Feature#SMALL_CONFIGURATION}
     */
    default Allocator openSmall() {
        throw new FeatureNotOfferedException(id(), "openSmall", Feature.SMALL_CONFIGURATION);
    }

    /** The design id, the key the kit and its reports use. */
    default String id() {
        return descriptor().id();
    }

    /**
     * The name a replay string uses to find this provider again in another process: by default its id; a provider
     * that exists only at run time (a native library named by its path) gives a name that says everything needed to
     * build it again, which a {@link ProviderSource#resolve} understands.
     */
    default String replayName() {
        return id();
    }
}
