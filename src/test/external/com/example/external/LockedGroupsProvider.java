package com.example.external;

import io.vakit.design.groups.GroupsConfig;
import io.vakit.design.groups.GroupsProvider;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A correct implementation from outside vakit's class path, as an allocator author ships one: its classes live only
 * in a jar named by {@code -Dvakit.classpath}. It runs the groups design (small layout) behind one lock of its own,
 * so that Lincheck has this jar's code to instrument. Built into a jar by {@code ExternalJarLincheckTest}.
 */
public final class LockedGroupsProvider implements AllocatorProvider {
    private final GroupsProvider inner = new GroupsProvider(GroupsConfig.small(22, 4));

    /** Used by {@code -Dvakit.impl}. */
    public LockedGroupsProvider() {}

    @Override
    public DesignDescriptor descriptor() {
        DesignDescriptor d = inner.descriptor();
        return new DesignDescriptor("external-locked-groups", "groups behind a lock, from a jar", d.sizeClasses(),
                d.alignment(), d.maxAlignment(), d.maxBlockSize(), java.util.EnumSet.copyOf(d.features()).stream()
                        .filter(f -> f != io.vakit.spi.Feature.CONTAINMENT && f != io.vakit.spi.Feature.FOOTPRINT
                                && f != io.vakit.spi.Feature.IDLE_BOUND && f != io.vakit.spi.Feature.REALLOC
                                && f != io.vakit.spi.Feature.SMALL_CONFIGURATION)
                        .collect(java.util.stream.Collectors.toSet()), d.deviations());
    }

    @Override
    public Allocator open() {
        return new Locked(inner.open(), descriptor());
    }

    /** Every call under one lock. */
    static final class Locked implements Allocator {
        private final Allocator delegate;
        private final DesignDescriptor descriptor;
        private final ReentrantLock lock = new ReentrantLock();

        Locked(Allocator delegate, DesignDescriptor descriptor) {
            this.delegate = delegate;
            this.descriptor = descriptor;
        }

        @Override
        public DesignDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            lock.lock();
            try {
                return delegate.allocate(byteSize, byteAlignment);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void free(MemorySegment block) {
            lock.lock();
            try {
                delegate.free(block);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public long usableSize(MemorySegment block) {
            lock.lock();
            try {
                return delegate.usableSize(block);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public java.util.Optional<io.vakit.spi.BlockInfo> owner(long address) {
            lock.lock();
            try {
                return delegate.owner(address);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public java.util.Optional<io.vakit.spi.Placement> placement(long address) {
            lock.lock();
            try {
                return delegate.placement(address);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public Stats stats() {
            lock.lock();
            try {
                return delegate.stats();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                delegate.close();
            } finally {
                lock.unlock();
            }
        }
    }
}
