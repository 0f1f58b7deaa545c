package io.vakit.ds;

import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import io.vakit.pal.VirtualMemoryException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Blocks too large for a design's containers, each in a reservation of its own, page-rounded and committed whole,
 * released on free: seed 001's Group C and seed 000's blocks above a region. It finds the mapping holding any
 * address, and remembers the last {@value #REMEMBERED} freed starts to tell a double free from a foreign address.
 * Not thread-safe: its owner's lock guards it.
 */
public final class MappingTable implements AutoCloseable {
    /** How many freed mapping addresses are remembered. */
    public static final int REMEMBERED = 4096;

    private final VirtualMemory vm;
    private final TreeMap<Long, Reservation> mappings = new TreeMap<>();
    private final LinkedHashSet<Long> freed = new LinkedHashSet<>();
    private long bytes;

    /** An empty table whose mappings come from {@code vm}. */
    public MappingTable(VirtualMemory vm) {
        this.vm = vm;
    }

    /** {@code size} rounded up to the page. */
    public static long pageRound(long size) {
        long page = VirtualMemory.pageSize();
        return (size + page - 1) & -page;
    }

    /**
     * A committed mapping of {@code pageRound(size)} bytes, aligned to {@code alignment} (a power of two): its
     * address.
     *
     * @throws VirtualMemoryException when the address space or the commit is refused (nothing is left behind)
     */
    public long allocate(long size, long alignment) {
        long rounded = pageRound(size);
        Reservation r = alignment <= VirtualMemory.pageSize() ? vm.reserve(rounded) : vm.reserve(rounded, alignment);
        try {
            r.commit(0, rounded);
        } catch (VirtualMemoryException e) {
            r.close();
            throw e;
        }
        mappings.put(r.base(), r);
        freed.remove(r.base());
        bytes += rounded;
        return r.base();
    }

    /** The mapping containing {@code address}, or null. */
    public Reservation containing(long address) {
        Map.Entry<Long, Reservation> e = mappings.floorEntry(address);
        return e != null && e.getValue().contains(address, 1) ? e.getValue() : null;
    }

    /** Releases the mapping that starts at {@code address}, which must be one. */
    public void free(long address) {
        Reservation r = mappings.remove(address);
        bytes -= r.size();
        r.close();
        freed.add(address);
        if (freed.size() > REMEMBERED) {
            freed.remove(freed.iterator().next());
        }
    }

    /** True when a mapping started at {@code address} and was freed (among the last {@value #REMEMBERED}). */
    public boolean wasFreed(long address) {
        return freed.contains(address);
    }

    /** The mappings, in address order. */
    public List<Reservation> mappings() {
        return List.copyOf(mappings.values());
    }

    /** The number of mappings. */
    public int count() {
        return mappings.size();
    }

    /** Bytes reserved (and committed) by mappings. */
    public long bytes() {
        return bytes;
    }

    /** Releases every mapping. */
    @Override
    public void close() {
        mappings.values().forEach(Reservation::close);
        mappings.clear();
        freed.clear();
        bytes = 0;
    }
}
