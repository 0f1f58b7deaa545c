package io.vakit.design.groups;

import io.vakit.ds.Binmap;
import io.vakit.ds.Fsa;
import io.vakit.ds.InitArena;
import io.vakit.ds.OutOfSpaceException;
import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import io.vakit.pal.VirtualMemoryException;
import io.vakit.spi.AddressSpaceExhaustedException;
import java.lang.foreign.MemorySegment;

/**
 * The reservations of one {@code groups} allocator and what is committed in them: the control arena, the main
 * reservation of segments (aligned to the segment size), the bookkeeping reservation (32 KiB per region slot) and
 * the FSA that holds the chunks' item binmaps. Every commit that fails raises {@link AddressSpaceExhaustedException}
 * having changed nothing.
 */
final class GroupsSpace implements AutoCloseable {
    final GroupsConfig config;
    final String design;
    final InitArena control;
    final Reservation main;
    final Reservation bookkeeping;
    final Fsa fsa;
    private final MemorySegment books;
    private long committedSlots;
    private long committedMain;

    GroupsSpace(GroupsConfig config, String design) {
        this.config = config;
        this.design = design;
        VirtualMemory vm = config.vm();
        long page = VirtualMemory.pageSize();
        this.control = new InitArena(vm, (controlBytes(config) + page - 1) & -page, page);
        Reservation m = null;
        Reservation b = null;
        try {
            m = vm.reserve(config.reservationBytes(), config.segmentBytes());
            b = vm.reserve(config.bookkeepingBytes());
            this.fsa = new Fsa(vm, Fsa.DEFAULT_BLOCK, fsaBlocks(config));
        } catch (RuntimeException e) {
            if (m != null) {
                m.close();
            }
            if (b != null) {
                b.close();
            }
            control.close();
            if (e instanceof VirtualMemoryException) {
                throw exhausted("open(" + config.segments() + " segments of " + config.segmentBytes() + " bytes)",
                        "could not reserve the allocator's address space", e);
            }
            throw e;
        }
        this.main = m;
        this.bookkeeping = b;
        this.books = b.segment(0, b.size()); // one segment: slices of it need no restricted call
    }

    /** Control bytes: the directory's arrays and list heads, with room for alignment. */
    static long controlBytes(GroupsConfig c) {
        long n = c.segments();
        return 10 * n + Binmap.bytesFor(n, Binmap.WordSize.W32) + 8L * (GroupClasses.COUNT + 2) + 64;
    }

    /**
     * FSA blocks for the worst case: every chunk committed with the largest item binmap (1 KiB), plus one partly
     * used block per FSA item size (a block serves one size).
     */
    static int fsaBlocks(GroupsConfig c) {
        long chunks = (long) c.segments() * GroupsConfig.REGIONS * c.chunksPerRegion();
        return (int) Math.min(1 << 17, (chunks * 1024 + Fsa.DEFAULT_BLOCK - 1) / Fsa.DEFAULT_BLOCK + Fsa.SIZES);
    }

    /** Commits the bookkeeping slot of region {@code g} and returns it. */
    MemorySegment commitSlot(int g, String op) {
        try {
            bookkeeping.commit(g * GroupsConfig.SLOT, GroupsConfig.SLOT);
        } catch (VirtualMemoryException e) {
            throw exhausted(op, "could not commit the bookkeeping of region " + g, e);
        }
        committedSlots++;
        return slot(g);
    }

    /** The bookkeeping slot of region {@code g}. */
    MemorySegment slot(int g) {
        return books.asSlice(g * GroupsConfig.SLOT, GroupsConfig.SLOT);
    }

    void decommitSlot(int g) {
        bookkeeping.decommit(g * GroupsConfig.SLOT, GroupsConfig.SLOT);
        committedSlots--;
    }

    /** Commits {@code [offset, offset + bytes)} of the main reservation. */
    void commitMain(long offset, long bytes, String op) {
        try {
            main.commit(offset, bytes);
        } catch (VirtualMemoryException e) {
            throw exhausted(op, "could not commit " + bytes + " bytes at offset 0x" + Long.toHexString(offset), e);
        }
        committedMain += bytes;
    }

    void decommitMain(long offset, long bytes) {
        main.decommit(offset, bytes);
        committedMain -= bytes;
    }

    /** An FSA item of {@code bytes} for an item binmap. */
    MemorySegment metadata(int bytes, String op) {
        try {
            return fsa.allocate(bytes);
        } catch (OutOfSpaceException | VirtualMemoryException e) {
            throw exhausted(op, "no metadata space for an item binmap of " + bytes + " bytes", e);
        }
    }

    AddressSpaceExhaustedException exhausted(String op, String detail, Throwable cause) {
        return new AddressSpaceExhaustedException(design, op, detail + (cause == null ? "" : ": " + cause.getMessage()),
                cause);
    }

    /** The reservations: control, main, bookkeeping, the FSA's. */
    java.util.List<io.vakit.spi.AddressRange> ranges() {
        return java.util.List.of(new io.vakit.spi.AddressRange(control.base(), control.capacity()),
                new io.vakit.spi.AddressRange(main.base(), main.size()),
                new io.vakit.spi.AddressRange(bookkeeping.base(), bookkeeping.size()),
                new io.vakit.spi.AddressRange(fsa.base(), fsa.reservedBytes()));
    }

    long reservedBytes() {
        return control.capacity() + main.size() + bookkeeping.size() + fsa.reservedBytes();
    }

    long committedBytes() {
        return control.committed() + committedSlots * GroupsConfig.SLOT + committedMain + fsa.committedBytes();
    }

    @Override
    public void close() {
        main.close();
        bookkeeping.close();
        fsa.close();
        control.close();
    }
}
