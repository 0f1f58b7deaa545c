package io.vakit.design.partitionsfast;

import io.vakit.design.partitions.PartitionsConfig;
import io.vakit.ds.CloseGate;
import io.vakit.ds.MappingTable;
import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemoryException;
import io.vakit.spi.AddressRange;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@code partitions-fast} allocator holds: the reservation of the eight partitions (the plain design's layout,
 * {@link PartitionsConfig}), the table of slices per partition (claimed by compare-and-set), the committed bytes, the
 * high range's mappings, and the close gate that every commit, decommit and mapping passes. The address arithmetic
 * uses shifts: every size in the layout is a power of two.
 */
final class FastSpace {
    static final int PARTS = PartitionsConfig.PARTS;

    final PartitionsConfig config;
    final String design;
    final Reservation main;
    final long base;
    final CloseGate gate = new CloseGate();
    /** Set before the gate shuts: the operations that touch only the Java heap check it alone. */
    volatile boolean closed;
    private final long size;
    private final long[] start = new long[PartitionsConfig.ROWS];
    private final long[] bytes = new long[PartitionsConfig.ROWS];
    private final int[] sliceShift = new int[PartitionsConfig.ROWS];
    private final int[] partShift = new int[PartitionsConfig.ROWS];
    private static final VarHandle SLICE = MethodHandles.arrayElementVarHandle(FastSlice[].class);
    /** Slice s of partition k at k * slices + s; null while no heap owns it. */
    private final FastSlice[] slices;
    private final int slicesPerPartition;
    /** log2 of partition 0's size: partition k starts near {@code (2^k - 1) << p0Shift}. */
    private final int p0Shift;
    private final AtomicLong committedMain = new AtomicLong();
    private final MappingTable mappings;
    private final Object mappingsLock = new Object();

    FastSpace(PartitionsConfig config, String design) {
        this.config = config;
        this.design = design;
        if (Long.bitCount(config.arena0()) != 1 || Integer.bitCount(config.arenasPerSlice()) != 1) {
            throw new IllegalArgumentException(design + ": the arena size and arenas per slice must be powers of two");
        }
        for (int k = 0; k < PartitionsConfig.ROWS; k++) {
            start[k] = config.partitionOffset(k);
            bytes[k] = config.partitionBytes(k);
            sliceShift[k] = Long.numberOfTrailingZeros(config.sliceBytes(k));
            partShift[k] = Long.numberOfTrailingZeros(config.partBytes(k));
        }
        this.slicesPerPartition = config.slices();
        this.slices = new FastSlice[PartitionsConfig.ROWS * slicesPerPartition];
        this.p0Shift = 63 - Long.numberOfLeadingZeros(config.partitionBytes(0));
        try {
            this.main = config.fixedAddress() != 0
                    ? config.vm().reserveAt(config.fixedAddress(), config.reservationBytes())
                    : config.vm().reserve(config.reservationBytes(), config.arenaBytes(PartitionsConfig.ROWS - 1));
        } catch (VirtualMemoryException e) {
            throw exhausted("open(" + config.reservationBytes() + " bytes of partitions)",
                    "could not reserve the allocator's address space", e);
        }
        this.base = main.base();
        this.size = main.size();
        this.mappings = new MappingTable(config.vm());
    }

    AddressSpaceExhaustedException exhausted(String op, String detail, Throwable cause) {
        return new AddressSpaceExhaustedException(design, op, detail + (cause == null ? "" : ": " + cause.getMessage()),
                cause);
    }

    InvalidFreeException refusal(String op, Reason reason, String detail) {
        return new InvalidFreeException(design, op, reason, detail);
    }

    // ------------------------------------------------------------------ address arithmetic

    /** The partition holding {@code off} (an offset from the base), or -1 outside them and in the gaps. */
    int partitionOf(long off) {
        if (off < 0 || off >= size) {
            return -1;
        }
        // start[k] lies at (2^k - 1) P0 plus the alignment padding, which is less than P0: the estimate is k or k + 1
        int k = Math.min(PartitionsConfig.ROWS - 1, 63 - Long.numberOfLeadingZeros((off >>> p0Shift) + 1));
        while (k > 0 && off < start[k]) {
            k--;
        }
        return off - start[k] < bytes[k] ? k : -1;
    }

    /** The slice index of {@code off} in partition {@code k}. */
    int sliceOf(int k, long off) {
        return (int) ((off - start[k]) >>> sliceShift[k]);
    }

    /** The part index, in its slice (arena * 64 + part), of {@code off} in partition {@code k}. */
    int unitOf(int k, long off) {
        return (int) (((off - start[k]) & ((1L << sliceShift[k]) - 1)) >>> partShift[k]);
    }

    /** The slice {@code s} of partition {@code k}, or null while no heap owns it. */
    FastSlice slice(int k, int s) {
        return (FastSlice) SLICE.getAcquire(slices, k * slicesPerPartition + s);
    }

    long sliceOffset(int k, int s) {
        return start[k] + ((long) s << sliceShift[k]);
    }

    long partOffset(FastSlice s, int a, int p) {
        return s.offset + a * config.arenaBytes(s.row) + p * config.partBytes(s.row);
    }

    // ------------------------------------------------------------------ slices

    /** Claims the lowest free slice of partition {@code k} for {@code heap}; null when every slice is owned. */
    FastSlice claimSlice(int k, FastHeap heap) {
        for (int s = 0; s < slicesPerPartition; s++) {
            if (slice(k, s) == null) {
                FastSlice slice = new FastSlice(k, s, sliceOffset(k, s), heap, config.arenasPerSlice());
                if (SLICE.compareAndSet(slices, k * slicesPerPartition + s, null, slice)) {
                    return slice;
                }
            }
        }
        return null;
    }

    /** Gives an empty slice back to its partition. */
    void releaseSlice(FastSlice slice) {
        SLICE.compareAndSet(slices, slice.row * slicesPerPartition + slice.index, slice, null);
    }

    // ------------------------------------------------------------------ commits (inside the gate)

    void commit(long offset, long length, String op) {
        try {
            main.commit(offset, length);
        } catch (VirtualMemoryException e) {
            throw exhausted(op, "could not commit " + length + " bytes at 0x" + Long.toHexString(base + offset), e);
        }
        committedMain.addAndGet(length);
    }

    void decommit(long offset, long length) {
        main.decommit(offset, length);
        committedMain.addAndGet(-length);
    }

    long committedMain() {
        return committedMain.get();
    }

    // ------------------------------------------------------------------ the high range

    long mapping(long length, long alignment, String op) {
        synchronized (mappingsLock) {
            try {
                return mappings.allocate(length, alignment);
            } catch (VirtualMemoryException e) {
                throw exhausted(op, "no address space or memory for a " + MappingTable.pageRound(length)
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

    /** Frees the mapping at {@code address}; the check and the free hold one lock (one of two racing frees wins). */
    void freeMapping(long address, String op) {
        synchronized (mappingsLock) {
            Reservation r = mappings.containing(address);
            if (r == null) {
                boolean freed = mappings.wasFreed(address);
                throw refusal(op, freed ? Reason.DOUBLE : Reason.FOREIGN,
                        freed ? "a mapping that was freed" : "outside the partitions");
            }
            if (r.base() != address) {
                throw refusal(op, Reason.INTERIOR, "inside the mapping at 0x" + Long.toHexString(r.base()));
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

    int mappingCount() {
        synchronized (mappingsLock) {
            return mappings.count();
        }
    }

    private long mappingBytes() {
        synchronized (mappingsLock) {
            return mappings.bytes();
        }
    }

    // ------------------------------------------------------------------ footprint

    List<AddressRange> ranges() {
        List<AddressRange> out = new ArrayList<>(List.of(new AddressRange(main.base(), main.size())));
        synchronized (mappingsLock) {
            mappings.mappings().forEach(r -> out.add(new AddressRange(r.base(), r.size())));
        }
        return out;
    }

    long reservedBytes() {
        return main.size() + mappingBytes();
    }

    long committedBytes() {
        return committedMain() + mappingBytes();
    }

    /** Closes: later operations are refused; once those inside the gate have left, everything is unmapped. */
    void close() {
        closed = true;
        gate.close(() -> {
            synchronized (mappingsLock) {
                mappings.close();
            }
            main.close();
        });
    }
}
