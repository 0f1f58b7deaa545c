package io.vakit.kit;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;

/**
 * A native provider with its fork server out of the way: each chain in a worker JVM, as when no C compiler is found.
 * For measuring the paths side by side ({@link IsolationSpeed}) and for testing the fallback.
 *
 * @param p the provider
 * @param why why there is no fork server, as the report says it
 */
public record InWorkerJvms(AllocatorProvider p, String why) implements AllocatorProvider {
    @Override
    public DesignDescriptor descriptor() {
        return p.descriptor();
    }

    @Override
    public Allocator open() {
        return p.open();
    }

    @Override
    public String replayName() {
        return p.replayName();
    }

    @Override
    public boolean isolated() {
        return true;
    }

    @Override
    public String isolation() {
        return "worker JVMs, no fork server: " + why;
    }

    @Override
    public java.util.Optional<String> bindingDecides() {
        return p.bindingDecides();
    }

    @Override
    public java.util.Map<String, String> bindingRules() {
        return p.bindingRules();
    }
}
