package io.vakit.kit.broken;

import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.Requests;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.Optional;

/**
 * Bug: a correct sequential slot allocator (64-byte slots over a real reservation, a free list whose links live in
 * a Java array) that declares {@link Feature#THREAD_SAFE} but takes no lock. Two threads can pop the same head and
 * get one slot. The sequential contract passes; only a concurrent check can catch it. Its calls never touch the
 * reservation, so its close can unmap it under calls in flight without crashing the kit's JVM (with the links in the
 * freed slots, T2's close race did, once, in {@code SoakMachineTest} on 2026-12-05); a lock to make the close wait
 * would order the very calls whose race is its one bug.
 */
public final class RacyFreeListAllocator implements Allocator {
    static final long SLOT = 64;
    static final int SLOTS = 4096;
    static final DesignDescriptor DESCRIPTOR = new DesignDescriptor("broken-racy",
            "64-byte slots, unsynchronised free list, declared thread-safe", null, AlignmentGuarantee.fixed(SLOT),
            SLOT, SLOT, EnumSet.of(Feature.CONTAINMENT, Feature.FOOTPRINT, Feature.INVALID_FREE_DETECTION,
                    Feature.USABLE_SIZE, Feature.OWNER_LOOKUP, Feature.THREAD_SAFE));

    private final Reservation space;
    private final MemorySegment memory;
    private final long[] sizes = new long[SLOTS];
    private final int[] next = new int[SLOTS];
    private int head = -1;
    private int bump;
    private long liveBytes;
    private long liveCount;
    private boolean closed;

    RacyFreeListAllocator() {
        space = VirtualMemory.system().reserve(SLOT * SLOTS);
        space.commit(0, space.size());
        memory = space.segment(0, space.size());
    }

    @Override
    public DesignDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        open(op);
        Requests.checkAllocation(DESCRIPTOR, op, byteSize, byteAlignment);
        int slot;
        if (head >= 0) {
            slot = head;
            head = next[slot]; // the race: read head, then write it
        } else if (bump < SLOTS) {
            slot = bump++;
        } else {
            throw new AddressSpaceExhaustedException(DESCRIPTOR.id(), op, "all " + SLOTS + " slots are live");
        }
        sizes[slot] = byteSize;
        liveBytes += byteSize;
        liveCount++;
        return memory.asSlice(slot * SLOT, byteSize);
    }

    @Override
    public void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        open(op);
        int slot = slotOf(op, block.address());
        next[slot] = head;
        head = slot;
        liveBytes -= sizes[slot];
        liveCount--;
        sizes[slot] = 0;
    }

    private int slotOf(String op, long address) {
        if (!space.contains(address, 1)) {
            throw new InvalidFreeException(DESCRIPTOR.id(), op, Reason.FOREIGN, "outside " + space);
        }
        long offset = address - space.base();
        int slot = (int) (offset / SLOT);
        if (offset % SLOT != 0) {
            throw new InvalidFreeException(DESCRIPTOR.id(), op, sizes[slot] > 0 ? Reason.INTERIOR : Reason.UNKNOWN,
                    "not a slot start");
        }
        if (sizes[slot] == 0) {
            throw new InvalidFreeException(DESCRIPTOR.id(), op, slot < bump ? Reason.DOUBLE : Reason.UNKNOWN,
                    "slot " + slot + " is free");
        }
        return slot;
    }

    @Override
    public long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        open(op);
        slotOf(op, block.address());
        return SLOT;
    }

    @Override
    public Optional<BlockInfo> owner(long address) {
        open("owner(address=0x" + Long.toHexString(address) + ")");
        if (!space.contains(address, 1)) {
            return Optional.empty();
        }
        int slot = (int) ((address - space.base()) / SLOT);
        return sizes[slot] > 0 ? Optional.of(new BlockInfo(space.base() + slot * SLOT, SLOT, -1)) : Optional.empty();
    }

    @Override
    public boolean owns(long address, long length) {
        open("owns(address=0x" + Long.toHexString(address) + ")");
        return space.contains(address, length);
    }

    @Override
    public java.util.List<io.vakit.spi.AddressRange> reservedRanges() {
        open("reservedRanges()");
        return java.util.List.of(new io.vakit.spi.AddressRange(space.base(), space.size()));
    }

    @Override
    public Stats stats() {
        open("stats()");
        return new Stats(space.size(), space.size(), liveBytes, liveCount);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            space.close();
        }
    }

    private void open(String op) {
        if (closed) {
            throw new AllocatorClosedException(DESCRIPTOR.id(), op, "the allocator is closed");
        }
    }

    /** Its provider. */
    public static final class Provider implements AllocatorProvider {
        @Override
        public DesignDescriptor descriptor() {
            return DESCRIPTOR;
        }

        @Override
        public Allocator open() {
            return new RacyFreeListAllocator();
        }
    }
}
