package io.vakit.design.arenas;

import io.vakit.ds.Binmap;
import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The bookkeeping of one slab reservation, in a committed mapping of its own beside it (never in the slots): a
 * binmap of used slots (the seed's bit vector) and a u16 count of live slots per page of the reservation, so a page
 * is committed when its first slot is taken and decommitted when its last is freed.
 */
final class SlabMeta {
    final Binmap slots;
    private final Reservation mapping;
    private final MemorySegment pageCounts;
    final long capacity;

    SlabMeta(VirtualMemory vm, long capacity, long pages) {
        this.capacity = capacity;
        long binmap = align8(Binmap.bytesFor(capacity, Binmap.WordSize.W64));
        long bytes = bytesFor(capacity, pages);
        this.mapping = vm.reserve(bytes);
        try {
            mapping.commit(0, bytes);
        } catch (RuntimeException e) {
            mapping.close();
            throw e;
        }
        this.slots = Binmap.over(mapping.segment(0, binmap), capacity, Binmap.WordSize.W64);
        this.pageCounts = mapping.segment(binmap, pages * 2);
    }

    /** The page-rounded bytes of the bookkeeping of a reservation of {@code capacity} slots and {@code pages} pages. */
    static long bytesFor(long capacity, long pages) {
        long page = VirtualMemory.pageSize();
        return (align8(Binmap.bytesFor(capacity, Binmap.WordSize.W64)) + pages * 2 + page - 1) & -page;
    }

    private static long align8(long n) {
        return (n + 7) & -8L;
    }

    long mappingBase() {
        return mapping.base();
    }

    long mappingBytes() {
        return mapping.size();
    }

    /** Page {@code page}'s live count. */
    int pageCount(long page) {
        return Short.toUnsignedInt(pageCounts.getAtIndex(ValueLayout.JAVA_SHORT, page));
    }

    /** Adds {@code delta} to page {@code page}'s live count; returns the new count. */
    int addToPage(long page, int delta) {
        int n = Short.toUnsignedInt(pageCounts.getAtIndex(ValueLayout.JAVA_SHORT, page)) + delta;
        pageCounts.setAtIndex(ValueLayout.JAVA_SHORT, page, (short) n);
        return n;
    }

    void close() {
        mapping.close();
    }
}
