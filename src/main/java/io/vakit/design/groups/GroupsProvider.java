package io.vakit.design.groups;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;

/** The {@code groups} design (seed 001), with the seed's layout unless another config is given. */
public final class GroupsProvider implements AllocatorProvider {
    private final GroupsConfig config;
    private final DesignDescriptor descriptor;

    /** The seed's layout: 256 segments of 1 GiB. */
    public GroupsProvider() {
        this(GroupsConfig.seed());
    }

    /** Allocators with {@code config}. */
    public GroupsProvider(GroupsConfig config) {
        this.config = config;
        this.descriptor = GroupsAllocator.descriptor(config);
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Allocator open() {
        return openGroups();
    }

    /** Opens the concrete type, for the design's own queries. */
    public GroupsAllocator openGroups() {
        return new GroupsAllocator(descriptor, config);
    }
}
