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

    /**
     * The same arithmetic on 2 segments of 2 MiB ({@link GroupsConfig#small}), small enough to exhaust: its
     * descriptor has that layout's shorter table (Group B ends at 2 MiB).
     */
    @Override
    public Allocator openSmall() {
        GroupsConfig small = GroupsConfig.small(21, 2).withVm(config.vm());
        return new GroupsAllocator(GroupsAllocator.descriptor(small), small);
    }

    /** Opens the concrete type, for the design's own queries. */
    public GroupsAllocator openGroups() {
        return new GroupsAllocator(descriptor, config);
    }
}
