package io.vakit.design.partitions;

import io.vakit.ds.Binmap;
import io.vakit.ds.Fsa;
import io.vakit.ds.MappingTable;
import io.vakit.ds.OutOfSpaceException;
import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemoryException;
import io.vakit.spi.AddressRange;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What a {@code partitions} allocator holds: the reservation of its eight partitions (at a fixed address when the
 * configuration says so), the table of slices per partition (claimed by a heap, given back when adopted empty), the
 * runtime FSA for the binmaps, and the high range's mappings. Commits and metadata that cannot be had raise
 * {@link AddressSpaceExhaustedException}; the caller has changed nothing yet.
 */
final class PartitionsSpace {
    final PartitionsConfig config;
    final String design;
    final Reservation main;
    final Fsa fsa;
    private final MappingTable mappings;
    private final Object mappingsLock = new Object();
    private final List<AtomicReferenceArray<Slice>> slices = new ArrayList<>();
    private final AtomicLong committedMain = new AtomicLong();

    PartitionsSpace(PartitionsConfig config, String design) {
        this.config = config;
        this.design = design;
        Reservation m = null;
        try {
            m = config.fixedAddress() != 0 ? config.vm().reserveAt(config.fixedAddress(), config.reservationBytes())
                    : config.vm().reserve(config.reservationBytes(), config.arenaBytes(PartitionsConfig.ROWS - 1));
            this.fsa = new Fsa(config.vm(), Fsa.DEFAULT_BLOCK, fsaBlocks(config));
        } catch (VirtualMemoryException e) {
            if (m != null) {
                m.close();
            }
            throw exhausted("open(" + config.reservationBytes() + " bytes of partitions)",
                    "could not reserve the allocator's address space", e);
        }
        this.main = m;
        this.mappings = new MappingTable(config.vm());
        for (int k = 0; k < PartitionsConfig.ROWS; k++) {
            slices.add(new AtomicReferenceArray<>(config.slices()));
        }
    }

    /**
     * FSA blocks for the binmaps of a full reservation: two bits per smallest item (8 B) of every part, plus the
     * arena and part binmaps, bounded by what the FSA can number.
     */
    static int fsaBlocks(PartitionsConfig c) {
        long bytes = c.reservationBytes() / 8 / 8 * 2 + c.reservationBytes() / c.partBytes(0) * 16;
        long n = bytes / Fsa.DEFAULT_BLOCK + Fsa.SIZES + 1;
        return (int) Math.min(n, Integer.MAX_VALUE / 2);
    }

    AddressSpaceExhaustedException exhausted(String op, String detail, Throwable cause) {
        return new AddressSpaceExhaustedException(design, op, detail + (cause == null ? "" : ": " + cause.getMessage()),
                cause);
    }

    // ------------------------------------------------------------------ slices

    /** The slice {@code s} of partition {@code k}, or null while no heap owns it. */
    Slice slice(int k, int s) {
        return slices.get(k).get(s);
    }

    /** Claims the lowest free slice of partition {@code k} for {@code heap}; null when every slice is owned. */
    Slice claimSlice(int k, ThreadHeap heap, String op) {
        AtomicReferenceArray<Slice> row = slices.get(k);
        for (int s = 0; s < row.length(); s++) {
            if (row.get(s) != null) {
                continue;
            }
            int arenas = config.arenasPerSlice();
            long bytes = Binmap.bytesFor(arenas, Binmap.WordSize.W64);
            MemorySegment item = metaAllocate(bytes, op, "a slice's arena binmap");
            Slice slice = new Slice(k, s, config.partitionOffset(k) + s * config.sliceBytes(k), heap,
                    Binmap.over(item, arenas, Binmap.WordSize.W64), arenas);
            if (row.compareAndSet(s, null, slice)) {
                return slice;
            }
            fsa.free(item.address());
        }
        return null;
    }

    /** Gives an empty slice (no unit in use) back to its partition. */
    void releaseSlice(Slice slice) {
        fsa.free(slice.arenas.storageAddress());
        slices.get(slice.row).set(slice.index, null);
    }

    // ------------------------------------------------------------------ metadata

    /** A zeroed FSA item of {@code bytes}. */
    MemorySegment metaAllocate(long bytes, String op, String what) {
        try {
            MemorySegment item = fsa.allocate((int) bytes);
            item.fill((byte) 0);
            return item;
        } catch (OutOfSpaceException | VirtualMemoryException e) {
            throw exhausted(op, "no runtime metadata space for " + what + " (" + bytes + " bytes)", e);
        }
    }

    /** A binmap of {@code bits} in the FSA. */
    Binmap binmap(long bits, String op, String what) {
        long bytes = Binmap.bytesFor(bits, Binmap.WordSize.W64);
        return Binmap.over(metaAllocate(bytes, op, what), bits, Binmap.WordSize.W64);
    }

    void freeBinmap(Binmap b) {
        fsa.free(b.storageAddress());
    }

    // ------------------------------------------------------------------ commits

    void commit(long offset, long bytes, String op) {
        try {
            main.commit(offset, bytes);
        } catch (VirtualMemoryException e) {
            throw exhausted(op, "could not commit " + bytes + " bytes at 0x" + Long.toHexString(main.base() + offset),
                    e);
        }
        committedMain.addAndGet(bytes);
    }

    void decommit(long offset, long bytes) {
        main.decommit(offset, bytes);
        committedMain.addAndGet(-bytes);
    }

    long committedMain() {
        return committedMain.get();
    }

    // ------------------------------------------------------------------ the high range

    long mapping(long size, long alignment, String op) {
        synchronized (mappingsLock) {
            try {
                return mappings.allocate(size, alignment);
            } catch (VirtualMemoryException e) {
                throw exhausted(op, "no address space or memory for a " + MappingTable.pageRound(size)
                        + "-byte mapping", e);
            }
        }
    }

    /** The mapping holding {@code address}: {base, size}, or null. */
    long[] mappingAt(long address) {
        synchronized (mappingsLock) {
            Reservation r = mappings.containing(address);
            return r == null ? null : new long[] {r.base(), r.size()};
        }
    }

    /**
     * Frees the mapping that starts at {@code address}. The check and the free hold one lock, so of two threads that
     * free the same mapping at once exactly one frees it and the other is refused as a double free.
     *
     * @throws InvalidFreeException when no mapping starts at {@code address}: freed (DOUBLE), inside one (INTERIOR),
     *     or none (FOREIGN)
     */
    void freeMapping(long address, String op) {
        synchronized (mappingsLock) {
            Reservation r = mappings.containing(address);
            if (r == null) {
                boolean freed = mappings.wasFreed(address);
                throw new InvalidFreeException(design, op, freed ? Reason.DOUBLE : Reason.FOREIGN,
                        freed ? "a mapping that was freed" : "outside the partitions");
            }
            if (r.base() != address) {
                throw new InvalidFreeException(design, op, Reason.INTERIOR, "inside the mapping at 0x"
                        + Long.toHexString(r.base()));
            }
            mappings.free(address);
        }
    }

    /** True when a mapping that started at {@code address} was freed recently (a second free of it is DOUBLE). */
    boolean mappingWasFreed(long address) {
        synchronized (mappingsLock) {
            return mappings.wasFreed(address);
        }
    }

    long mappingBytes() {
        synchronized (mappingsLock) {
            return mappings.bytes();
        }
    }

    int mappingCount() {
        synchronized (mappingsLock) {
            return mappings.count();
        }
    }

    // ------------------------------------------------------------------ footprint

    List<AddressRange> ranges() {
        List<AddressRange> out = new ArrayList<>(List.of(new AddressRange(main.base(), main.size()),
                new AddressRange(fsa.base(), fsa.reservedBytes())));
        synchronized (mappingsLock) {
            mappings.mappings().forEach(r -> out.add(new AddressRange(r.base(), r.size())));
        }
        return out;
    }

    long reservedBytes() {
        return main.size() + fsa.reservedBytes() + mappingBytes();
    }

    long committedBytes() {
        return committedMain() + fsa.committedBytes() + mappingBytes();
    }

    void close() {
        synchronized (mappingsLock) {
            mappings.close();
        }
        fsa.close();
        main.close();
    }
}
