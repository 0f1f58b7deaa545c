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

    /**
     * True when the kit must run each chain in a fresh child JVM of its own: for native code, whose crash would end
     * the kit's process (it becomes a verdict instead) and whose state would outlive a chain (so a replay in a fresh
     * process reruns exactly what failed). Such a provider must be found again by {@link #replayName()}. The default
     * is false: a Java implementation runs in the kit's own process.
     */
    default boolean isolated() {
        return false;
    }

    /**
     * True when this {@link #isolated()} provider runs each chain in a fresh child process forked from a server that
     * holds the implementation already loaded ({@link #openForked()}): as isolated as a fresh JVM, at a fraction of its
     * cost. False (the default) runs each chain in a fresh worker JVM.
     */
    default boolean forkServed() {
        return false;
    }

    /**
     * A fresh allocator in a fresh child process of the provider's fork server, where {@link #forkServed()}: every
     * child starts from the same state, and its blocks live in it ({@link Allocator#blockMemory()}). A child that
     * dies makes its allocator's calls throw {@link ImplementationDiedException}.
     *
     * @throws UnsupportedOperationException when the provider is not fork-served
     */
    default Allocator openForked() {
        throw new UnsupportedOperationException("design '" + id() + "' has no fork server");
    }

    /**
     * How an {@link #isolated()} provider's chains run, in a few words the report prints: {@code fork server} or
     * {@code worker JVMs}, with the reason when the fork server could not be used.
     */
    default String isolation() {
        return forkServed() ? "fork server" : "worker JVMs";
    }

    /**
     * What the provider's own Java binding decides in front of the implementation, in one sentence, when it has one
     * (a native library behind vakit's guard, which refuses bad frees, sizes and alignments before the library sees
     * them, and counts the live blocks itself). The kit then reports the misuse rules and the stats as the binding's,
     * never as the implementation's verdicts. Empty by default: a Java implementation decides everything itself.
     */
    default java.util.Optional<String> bindingDecides() {
        return java.util.Optional.empty();
    }

    /**
     * True when the live count in the stats is the binding's own record, not the implementation's counter: the kit
     * then skips rule C8 for it. By default, whenever the provider has a binding; a native library whose user maps
     * its own live-count function ({@code live_count=} in its symbols) says false, and C8 judges that counter.
     */
    default boolean bindingCountsLiveBlocks() {
        return bindingDecides().isPresent();
    }

    /**
     * Why the design does not declare {@code feature}, where the provider knows more than that (a native library that
     * exports no realloc, say); the kit adds it to the reason a rule needing the feature is SKIPPED. Empty by default.
     */
    default java.util.Optional<String> whyNot(Feature feature) {
        return java.util.Optional.empty();
    }

    /**
     * True when the live bytes in the stats are the binding's own record, not the implementation's: the kit then
     * judges no live bytes for it (C8 judges the live count alone where {@link #bindingCountsLiveBlocks()} is false).
     * By default, whenever the provider has a binding.
     */
    default boolean bindingCountsLiveBytes() {
        return bindingDecides().isPresent();
    }

    /**
     * The contract rules whose verdict the provider's binding decides in front of the implementation, by rule id
     * ({@code "M1"}, {@code "C6"}, ...), each with the reason in one sentence: the kit reports them as the binding's,
     * never as the implementation's (PASS). By default, for a provider with a binding, the misuse rules its guard
     * answers: M1, M2, M3 (invalid, double and foreign frees), M5 and M6 (bad sizes and alignments), T3 (double frees
     * raced); none otherwise.
     */
    default java.util.Map<String, String> bindingRules() {
        return bindingDecides().map(why -> java.util.Map.of("M1", why, "M2", why, "M3", why, "M5", why, "M6", why,
                        "T3", why))
                .orElse(java.util.Map.of());
    }

    /**
     * How the implementation itself answers each kind of misuse, with its binding's guard out of the way (each tried
     * in a process of its own, so this may take a few seconds): for a provider whose {@link #bindingDecides()} the
     * misuse rules. Empty by default: the contract's misuse rules judge a Java implementation directly.
     */
    default java.util.List<MisuseResponse> hardening() {
        return java.util.List.of();
    }
}
