package io.vakit.design.groups;

import io.vakit.pal.VirtualMemory;
import io.vakit.design.InjectedFaults;
import io.vakit.spi.InjectedFault;
import io.vakit.ds.MappingTable;
import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemoryException;
import io.vakit.spi.AddressRange;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import io.vakit.spi.InvalidAlignmentException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.Placement;
import io.vakit.spi.Requests;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code groups} design (seed 001, {@code spec/groups.md}): segments handed to Group A (items of 16 B..32 KiB
 * in 64 KiB chunks of 32 MiB regions) or Group B (blocks of 64 KiB..1 GiB), and Group C mappings above. Free, owner
 * lookup, usable size and placement work by address arithmetic and the bookkeeping, never a header beside a block.
 * One lock makes it thread-safe.
 */
public final class GroupsAllocator implements Allocator {
    private final DesignDescriptor descriptor;
    private final GroupsConfig config;
    private final GroupClasses classes;
    private final ReentrantLock lock = new ReentrantLock();
    private final GroupsSpace space;
    private final SegmentDirectory dir;
    private final GroupA groupA;
    private final GroupB groupB;
    private final MappingTable groupC;
    private final long base;
    private long liveBytes;
    private long liveCount;
    private boolean closed;

    /** The descriptor of allocators with {@code config}. */
    public static DesignDescriptor descriptor(GroupsConfig config) {
        GroupClasses table = config.classes();
        return new DesignDescriptor("groups", "seed 001: " + config.segments() + " segments of "
                + (config.segmentBytes() >> 20) + " MiB; Group A items 16 B..32 KiB, Group B blocks 64 KiB.."
                + (config.segmentBytes() >> 20) + " MiB, Group C mappings", table, table::alignmentFor,
                config.segmentBytes(), 1L << 40,
                EnumSet.of(Feature.REALLOC, Feature.REALLOC_IN_PLACE, Feature.USABLE_SIZE, Feature.OWNER_LOOKUP,
                        Feature.SIZE_CLASSES, Feature.CONTAINMENT, Feature.FOOTPRINT, Feature.IDLE_BOUND,
                        Feature.SMALL_CONFIGURATION,
                        Feature.INVALID_FREE_DETECTION, Feature.SIZED_FREE_CHECK, Feature.PLACEMENT,
                        Feature.THREAD_SAFE, Feature.FAULT_INJECTION, Feature.EXACT_REASONS)).following("groups");
    }

    /** An allocator of {@code config}'s layout, described by {@code descriptor}. */
    public GroupsAllocator(DesignDescriptor descriptor, GroupsConfig config) {
        this.descriptor = descriptor;
        this.config = config.withVm(VirtualMemory.ownFaults(config.vm())); // faults injected into it land here alone
        this.classes = config.classes();
        this.space = new GroupsSpace(this.config, descriptor.id());
        this.dir = new SegmentDirectory(space.control, config.segments(), 1 + config.bBins());
        this.groupA = new GroupA(space, dir);
        this.groupB = new GroupB(space, dir);
        this.groupC = new MappingTable(config.vm());
        this.base = space.main.base();
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    /** The layout. */
    public GroupsConfig config() {
        return config;
    }

    /** The first address of the main reservation: segment 0. */
    public long base() {
        return base;
    }

    // ------------------------------------------------------------------ allocate

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        lock.lock();
        try {
            open(op);
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
            if (byteAlignment > classes.alignmentFor(byteSize)) {
                throw new InvalidAlignmentException(descriptor.id(), op, "alignment " + byteAlignment
                        + " is above the natural alignment " + classes.alignmentFor(byteSize) + " of " + byteSize
                        + " bytes (its class); ask for " + byteAlignment + " bytes instead");
            }
            return place(byteSize, op);
        } finally {
            lock.unlock();
        }
    }

    private MemorySegment place(long size, String op) {
        int c = classes.classOf(size);
        long address;
        if (c < 0) {
            try {
                address = groupC.allocate(size, 1);
            } catch (VirtualMemoryException e) {
                throw space.exhausted(op, "no address space or memory for a " + MappingTable.pageRound(size)
                        + "-byte mapping", e);
            }
        } else if (GroupClasses.groupA(c)) {
            address = base + groupA.allocate(c, op);
        } else {
            address = base + groupB.allocate(c - GroupClasses.GROUP_A, op);
        }
        liveBytes += size;
        liveCount++;
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    @Override
    public MemorySegment allocateZeroed(long byteSize) {
        return allocate(byteSize).fill((byte) 0);
    }

    // ------------------------------------------------------------------ free

    @Override
    public void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        lock.lock();
        try {
            open(op);
            release(requireLive(block.address(), block.byteSize(), op), block.byteSize());
        } finally {
            lock.unlock();
        }
    }

    private void release(Location l, long size) {
        switch (l.kind()) {
            case A -> groupA.free(l.segment() * GroupsConfig.REGIONS + l.region(), l.unit(), l.index());
            case B -> groupB.free(l.segment(), l.index());
            case C -> groupC.free(l.start());
            default -> throw new IllegalStateException("not a block: " + l);
        }
        liveBytes -= size;
        liveCount--;
    }

    /** The location of the live block starting at {@code address} whose class {@code size} has; else a refusal. */
    private Location requireLive(long address, long size, String op) {
        Location l = locate(address);
        String id = descriptor.id();
        switch (l.kind()) {
            case FOREIGN -> throw groupC.wasFreed(address)
                    ? new InvalidFreeException(id, op, Reason.DOUBLE, "the Group C mapping at " + hex(address)
                            + " was already freed")
                    : new InvalidFreeException(id, op, Reason.FOREIGN, hex(address)
                            + " is outside the allocator's segments and mappings");
            case UNUSED -> throw new InvalidFreeException(id, op, Reason.UNKNOWN, hex(address) + " is in " + l.where());
            default -> { }
        }
        if (l.start() != address) {
            throw new InvalidFreeException(id, op, l.live() ? Reason.INTERIOR : Reason.UNKNOWN, hex(address)
                    + " is " + (address - l.start()) + " bytes into " + (l.live() ? "live " : "free ") + l.where()
                    + " at " + hex(l.start()));
        }
        if (!l.live()) {
            throw new InvalidFreeException(id, op, Reason.DOUBLE, l.where() + " at " + hex(address)
                    + " is not live (freed already, or never handed out)");
        }
        boolean sameClass = l.kind() == Location.Kind.C
                ? classes.classOf(size) < 0 && MappingTable.pageRound(size) == l.bytes()
                : classes.classOf(size) == l.sizeClass();
        if (!sameClass) {
            throw new InvalidFreeException(id, op, Reason.WRONG_SIZE, "size " + size + " does not fit " + l.where()
                    + " of " + l.bytes() + " bytes at " + hex(address));
        }
        return l;
    }

    // ------------------------------------------------------------------ realloc

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        String op = Requests.onBlock("reallocate", block.address(), block.byteSize()) + " to " + newSize;
        lock.lock();
        try {
            open(op);
            Location l = requireLive(block.address(), block.byteSize(), op);
            Requests.checkSize(descriptor, op, newSize);
            int c = classes.classOf(newSize);
            boolean same = l.kind() == Location.Kind.C ? c < 0 && MappingTable.pageRound(newSize) == l.bytes()
                    : c == l.sizeClass();
            if (same) {
                liveBytes += newSize - block.byteSize();
                return MemorySegment.ofAddress(block.address()).reinterpret(newSize);
            }
            MemorySegment moved = place(newSize, op);
            MemorySegment.copy(block, 0, moved, 0, Math.min(block.byteSize(), newSize));
            release(l, block.byteSize());
            return moved;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ address arithmetic

    /** The address arithmetic of {@code spec/groups.md#address-arithmetic}; the caller holds the lock. */
    private Location locate(long a) {
        long offset = a - base;
        if (offset < 0 || offset >= config.reservationBytes()) {
            Reservation r = groupC.containing(a);
            return r == null ? Location.nowhere(Location.Kind.FOREIGN, "no mapping")
                    : new Location(Location.Kind.C, -1, -1, -1, 0, r.base(), r.size(), -1, true, null);
        }
        int s = (int) (offset >>> config.segmentShift());
        int owner = dir.owner(s);
        if (owner == SegmentDirectory.FREE) {
            return Location.nowhere(Location.Kind.UNUSED, "free segment " + s);
        }
        if (owner == SegmentDirectory.GROUP_A) {
            int r = (int) (offset >>> config.regionShift()) & (GroupsConfig.REGIONS - 1);
            int g = s * GroupsConfig.REGIONS + r;
            if (!groupA.inUse(g)) {
                return Location.nowhere(Location.Kind.UNUSED, "free region " + r + " of segment " + s);
            }
            int k = (int) (offset >>> GroupsConfig.CHUNK_SHIFT) & (groupA.chunks() - 1);
            if (!groupA.chunkCommitted(g, k)) {
                return Location.nowhere(Location.Kind.UNUSED, "decommitted chunk " + k + " of region " + r
                        + " of segment " + s);
            }
            int bin = groupA.bin(g);
            long index = (offset & (GroupClasses.CHUNK - 1)) >>> (4 + bin);
            long bytes = GroupA.itemBytes(bin);
            return new Location(Location.Kind.A, s, r, k, index, a & -bytes, bytes, bin,
                    groupA.itemLive(g, k, index), null);
        }
        int bin = groupB.bin(s);
        int shift = GroupB.blockShift(bin);
        long k = (offset & (config.segmentBytes() - 1)) >>> shift;
        return new Location(Location.Kind.B, s, 0, (int) k, k, a & -(1L << shift), 1L << shift,
                GroupClasses.GROUP_A + bin, groupB.blockLive(s, k), null);
    }

    // ------------------------------------------------------------------ queries

    @Override
    public long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        return locked(op, () -> requireLive(block.address(), block.byteSize(), op).bytes());
    }

    @Override
    public Optional<BlockInfo> owner(long address) {
        return locked("owner(address=" + hex(address) + ")", () -> {
            Location l = locate(address);
            return l.live() ? Optional.of(new BlockInfo(l.start(), l.bytes(), l.sizeClass())) : Optional.empty();
        });
    }

    /** Segment/region/chunk/item (Group A), segment/region/block (Group B), or mapping (Group C). */
    @Override
    public Optional<Placement> placement(long address) {
        return locked("placement(address=" + hex(address) + ")", () -> placementOf(locate(address)));
    }

    private Optional<Placement> placementOf(Location l) {
        if (!l.live()) {
            return Optional.empty();
        }
        if (l.kind() == Location.Kind.C) {
            return Optional.of(new Placement(List.of(new Placement.Level("mapping", 0, l.start(), l.bytes()))));
        }
        long segStart = base + ((long) l.segment() << config.segmentShift());
        Placement.Level segment = new Placement.Level("segment", l.segment(), segStart, config.segmentBytes());
        if (l.kind() == Location.Kind.B) {
            return Optional.of(new Placement(List.of(segment,
                    new Placement.Level("region", 0, segStart, config.segmentBytes(), config.segmentBytes() / l.bytes()),
                    new Placement.Level("block", l.index(), l.start(), l.bytes()))));
        }
        long regionStart = segStart + ((long) l.region() << config.regionShift());
        long chunkStart = regionStart + ((long) l.unit() << GroupsConfig.CHUNK_SHIFT);
        return Optional.of(new Placement(List.of(segment,
                new Placement.Level("region", l.region(), regionStart, config.regionBytes()),
                new Placement.Level("chunk", l.unit(), chunkStart, GroupClasses.CHUNK, GroupClasses.CHUNK / l.bytes()),
                new Placement.Level("item", l.index(), l.start(), l.bytes()))));
    }

    @Override
    public boolean owns(long address, long length) {
        return locked("owns(address=" + hex(address) + ", length=" + length + ")", () -> {
            Reservation r = groupC.containing(address);
            return space.main.contains(address, length) || r != null && r.contains(address, length);
        });
    }

    @Override
    public void injectFault(InjectedFault kind, int skip) {
        InjectedFaults.inject(config.vm(), kind, skip);
    }

    @Override
    public void clearFaults() {
        InjectedFaults.clear(config.vm());
    }

    @Override
    public long faultsFired(InjectedFault kind) {
        return InjectedFaults.fired(config.vm(), kind);
    }

    @Override
    public Stats stats() {
        return locked("stats()", () -> new Stats(space.reservedBytes() + groupC.bytes(),
                space.committedBytes() + groupC.bytes(), liveBytes, liveCount));
    }

    /**
     * The idle rule of spec/groups.md: each Group A bin used so far keeps at most one empty region, with its
     * bookkeeping slot, one spare chunk and that chunk's item binmap in the FSA (one FSA block at worst); each Group B
     * bin keeps at most one empty segment, only its slot; Group C keeps nothing; the control arena and the FSA's
     * metadata pages stay as grown.
     */
    @Override
    public long idleCommittedBound() {
        return locked("idleCommittedBound()", () -> space.control.committed()
                + groupA.usedBins() * (GroupsConfig.SLOT + GroupClasses.CHUNK + space.fsa.blockSize())
                + groupB.usedBins() * GroupsConfig.SLOT + space.fsa.metadataCommitted());
    }

    @Override
    public List<io.vakit.spi.AddressRange> reservedRanges() {
        return locked("reservedRanges()", () -> {
            List<io.vakit.spi.AddressRange> out = new java.util.ArrayList<>(space.ranges());
            groupC.mappings().forEach(r -> out.add(new AddressRange(r.base(), r.size())));
            return out;
        });
    }

    /** The bookkeeping's own view, for the design's properties and tests. */
    public Census census() {
        return locked("census()", () -> Census.of(config, dir, groupA, groupB, groupC, space));
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            groupC.close();
            space.close();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code body} under the lock, once the allocator is known to be open. */
    private <T> T locked(String op, java.util.function.Supplier<T> body) {
        lock.lock();
        try {
            open(op);
            return body.get();
        } finally {
            lock.unlock();
        }
    }

    private void open(String op) {
        if (closed) {
            throw new AllocatorClosedException(descriptor.id(), op, "the allocator is closed");
        }
    }

    private static String hex(long a) {
        return "0x" + Long.toHexString(a);
    }
}
