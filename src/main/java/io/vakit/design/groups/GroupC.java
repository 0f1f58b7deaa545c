package io.vakit.design.groups;

import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import io.vakit.pal.VirtualMemoryException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Group C (the seed's TODO, decided in {@code spec/groups.md}): a request above the segment size gets its own
 * reservation, page-rounded and committed whole, released on free. Not thread-safe: the allocator's lock guards it.
 */
final class GroupC implements AutoCloseable {
    /** How many freed mapping addresses are remembered, to tell a double free from a foreign address. */
    static final int REMEMBERED = 4096;

    private final GroupsSpace space;
    private final TreeMap<Long, Reservation> mappings = new TreeMap<>();
    private final java.util.LinkedHashSet<Long> freed = new java.util.LinkedHashSet<>();
    private long bytes;

    GroupC(GroupsSpace space) {
        this.space = space;
    }

    static long pageRound(long size) {
        long page = VirtualMemory.pageSize();
        return (size + page - 1) & -page;
    }

    /** A mapping of at least {@code size} bytes: its address. */
    long allocate(long size, String op) {
        long rounded = pageRound(size);
        Reservation r;
        try {
            r = space.config.vm().reserve(rounded);
        } catch (VirtualMemoryException e) {
            throw space.exhausted(op, "no address space for a " + rounded + "-byte mapping", e);
        }
        try {
            r.commit(0, rounded);
        } catch (VirtualMemoryException e) {
            r.close();
            throw space.exhausted(op, "could not commit a " + rounded + "-byte mapping", e);
        }
        mappings.put(r.base(), r);
        freed.remove(r.base());
        bytes += rounded;
        return r.base();
    }

    /** The mapping containing {@code address}, or null. */
    Reservation containing(long address) {
        Map.Entry<Long, Reservation> e = mappings.floorEntry(address);
        return e != null && e.getValue().contains(address, 1) ? e.getValue() : null;
    }

    /** Releases the mapping that starts at {@code address}. */
    void free(long address) {
        Reservation r = mappings.remove(address);
        bytes -= r.size();
        r.close();
        freed.add(address);
        if (freed.size() > REMEMBERED) {
            freed.remove(freed.iterator().next());
        }
    }

    /** True when a mapping started at {@code address} and was freed (among the last {@value #REMEMBERED}). */
    boolean wasFreed(long address) {
        return freed.contains(address);
    }

    /** The mappings' ranges. */
    java.util.List<io.vakit.spi.AddressRange> ranges() {
        return mappings.values().stream().map(r -> new io.vakit.spi.AddressRange(r.base(), r.size())).toList();
    }

    /** Bytes reserved (and committed) by mappings. */
    long bytes() {
        return bytes;
    }

    @Override
    public void close() {
        mappings.values().forEach(Reservation::close);
        mappings.clear();
        freed.clear();
        bytes = 0;
    }
}
