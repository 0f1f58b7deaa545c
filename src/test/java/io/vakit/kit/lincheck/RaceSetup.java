package io.vakit.kit.lincheck;

import io.vakit.spec.contract.KernelMemory;
import io.vakit.spec.contract.RaceKinds;
import io.vakit.spi.AddressRange;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Feature;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a race scenario starts from: one live block of each race kind ({@link RaceKinds}: the smallest class, a class
 * edge, a container's last slot, a block above the table, a large mapping), each stamped at its ends, on fresh
 * allocators of the provider's normal configuration: one for all of them, or one for each, so that a block is alone
 * in its allocator and its free empties every unit that holds it (the container, the container's container: a
 * design gives back what it gives back). A scenario's {@code kind} parameter picks one of them, modulo the kinds the
 * design has.
 */
final class RaceSetup {
    /** The stamp of the set-up blocks. */
    static final byte STAMP = 0x3C;
    /** Bytes stamped at each end of a block: a large mapping is not touched in between (it costs no memory). */
    private static final long STAMPED = 4096;
    private static final Map<String, List<RaceKinds>> KINDS = new ConcurrentHashMap<>();

    /** The allocator of every block, or of the first where each block has its own. */
    final Allocator allocator;
    final List<RaceKinds> kinds;
    final MemorySegment[] handles;
    /** The allocator of each block. */
    private final Allocator[] owners;
    /** The ranges the allocator held after the set-up, where it declares them (FOOTPRINT); else none. */
    final List<AddressRange> ranges;

    /** Every block on one allocator ({@code alone} false), or each on one of its own. */
    RaceSetup(AllocatorProvider provider, boolean alone) {
        this.kinds = KINDS.computeIfAbsent(provider.replayName(), id -> RaceKinds.of(provider::open));
        this.handles = new MemorySegment[kinds.size()];
        this.owners = new Allocator[kinds.size()];
        List<Allocator> opened = new ArrayList<>();
        for (int i = 0; i < handles.length; i++) {
            if (alone || i == 0) {
                opened.add(provider.open());
            }
            owners[i] = opened.getLast();
            handles[i] = owners[i].allocate(kinds.get(i).size());
            stamp(handles[i]);
        }
        ScenarioAllocators.opened(opened);
        this.allocator = owners[0];
        this.ranges = allocator.descriptor().has(Feature.FOOTPRINT) ? allocator.reservedRanges() : List.of();
    }

    /** The kind a scenario's parameter picks. */
    int kind(int param) {
        return param % handles.length;
    }

    /** The allocator of the block {@code param} picks. */
    Allocator owner(int param) {
        return owners[kind(param)];
    }

    /** The live blocks of all the set-up's allocators. */
    long liveCount() {
        long n = 0;
        for (Allocator a : java.util.Set.copyOf(java.util.Arrays.asList(owners))) {
            n += a.stats().liveCount();
        }
        return n;
    }

    /** The set-up block of the kind {@code param} picks. */
    MemorySegment handle(int param) {
        return handles[kind(param)];
    }

    static void stamp(MemorySegment s) {
        long n = Math.min(s.byteSize(), STAMPED);
        s.asSlice(0, n).fill(STAMP);
        s.asSlice(s.byteSize() - n, n).fill(STAMP);
    }

    /** Whether {@code s} still holds its stamp at both ends. */
    static boolean intact(MemorySegment s) {
        long n = Math.min(s.byteSize(), STAMPED);
        MemorySegment expected = MemorySegment.ofArray(new byte[(int) n]).fill(STAMP);
        return s.asSlice(0, n).mismatch(expected) < 0 && s.asSlice(s.byteSize() - n, n).mismatch(expected) < 0;
    }

    /**
     * After a close, where the design reports its ranges (FOOTPRINT) and the kernel can be asked: the first of
     * {@code blocks}, or of the ranges it held after the set-up, whose memory is still mapped; null when none is.
     */
    String stillMapped(List<MemorySegment> blocks) {
        if (!allocator.descriptor().has(Feature.FOOTPRINT) || !KernelMemory.available()) {
            return null;
        }
        List<long[]> all = new ArrayList<>();
        for (AddressRange r : ranges) {
            all.add(new long[] {r.start(), r.bytes(), 0});
        }
        for (MemorySegment b : blocks) {
            all.add(new long[] {b.address(), b.byteSize(), 1});
        }
        for (long[] r : all) {
            if (KernelMemory.mapped(r[0]) || KernelMemory.mapped(r[0] + r[1] - 1)) {
                // the result names no address: Lincheck replays a scenario and wants the same result each time
                System.err.println("vakit: 0x" + Long.toHexString(r[0]) + "+" + r[1] + " still mapped after close");
                return (r[2] == 0 ? "a range of " : "a block of ") + r[1] + " bytes"
                        + (r[2] == 0 ? " the allocator held" : " it handed out") + " is still mapped after close";
            }
        }
        return null;
    }

    /** The kinds, as a report names them. */
    String describe() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < kinds.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(i).append(": ").append(kinds.get(i));
        }
        return s.toString();
    }
}
