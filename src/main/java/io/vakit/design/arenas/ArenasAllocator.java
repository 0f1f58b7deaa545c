package io.vakit.design.arenas;

import io.vakit.design.InjectedFaults;
import io.vakit.spi.InjectedFault;
import io.vakit.ds.CloseGate;
import io.vakit.design.Moves;
import io.vakit.pal.VirtualMemory;
import io.vakit.spi.AddressRange;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.InvalidSizeException;
import io.vakit.spi.Placement;
import io.vakit.spi.Requests;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Seed 002's allocator: eight arenas chosen by size ({@link ArenaClasses}), three of fixed slots ({@link SlabArena})
 * and five of variable blocks ({@link ObjectArena}), each with reservations of its own size, aligned to that size;
 * or, as {@code arenas-default}, the seed's "default allocator": one object arena over one large reservation, for
 * every size.
 *
 * <p>A request goes to the arena of its size. One with an alignment above its arena's natural alignment (a slab's
 * slot size, an object arena's granule) goes to the object arena of {@code max(size, alignment)} (arena 3 at least),
 * which cuts a block of that many bytes at an aligned address: the seed has no alignment. A free finds the
 * reservation of the address in the reservation index, and the block in its arena; every bad free is refused
 * before anything changes. Thread-safe: a lock per arena, and one for the reservation index.
 */
public final class ArenasAllocator implements Allocator {
    /** The largest explicit alignment: 2 MiB, a huge page. */
    public static final long MAX_ALIGNMENT = 2L << 20;
    /**
     * The most live blocks one object arena holds (its indexes' node pools are reserved for this many: 32 MiB of
     * address space each); one more is refused as exhaustion.
     */
    public static final long MAX_BLOCKS = 1L << 20;
    /** The granule of {@code arenas-default}'s one arena, and its natural alignment. */
    public static final long DEFAULT_GRANULE = 16;

    private final DesignDescriptor descriptor;
    private final ArenasSpace space;
    private final Commits commits;
    private final SlabArena[] slabs;
    private final ObjectArena[] objects;
    private final boolean single;
    private final VirtualMemory vm;
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong liveCount = new AtomicLong();
    /** Every operation passes it; close shuts it once the operations inside have left. */
    private final CloseGate gate = new CloseGate();

    private ArenasAllocator(DesignDescriptor descriptor, ArenasSpace space, Commits commits, SlabArena[] slabs,
            ObjectArena[] objects, boolean single, VirtualMemory vm) {
        this.descriptor = descriptor;
        this.vm = vm;
        this.space = space;
        this.commits = commits;
        this.slabs = slabs;
        this.objects = objects;
        this.single = single;
    }

    /** The eight arenas of {@code config}. */
    public static ArenasAllocator arenas(DesignDescriptor descriptor, ArenasConfig requested) {
        ArenasConfig config = requested.withVm(VirtualMemory.ownFaults(requested.vm())); // its faults land here alone
        long smallest = config.reservationBytes().stream().mapToLong(Long::longValue).min().orElseThrow();
        ArenasSpace space = new ArenasSpace(descriptor.id(), config.vm(), config.budget(),
                Math.min(Integer.MAX_VALUE - 2, config.budget() / smallest + 1));
        Commits commits = new Commits();
        SlabArena[] slabs = new SlabArena[ArenaClasses.ARENAS.size()];
        ObjectArena[] objects = new ObjectArena[ArenaClasses.ARENAS.size()];
        for (ArenaClasses.Arena arena : ArenaClasses.ARENAS) {
            long res = config.reservation(arena.index());
            if (arena.strategy() == ArenaClasses.Strategy.SLAB) {
                slabs[arena.index()] = new SlabArena(arena.index(), arena.granule(), res, space, commits);
            } else {
                // the smallest block an object arena holds: above the arena below, or an aligned request of 1 KiB
                long smallestBlock = arena.index() == 3 ? 1024 : ArenaClasses.ARENAS.get(arena.index() - 1).maxSize();
                long maxBlocks = Math.min(MAX_BLOCKS, config.budget() / smallestBlock + 1);
                objects[arena.index()] = new ObjectArena(arena.index(), arena.granule(), res, true, space, commits,
                        maxBlocks, config.budget() / res + 1);
            }
        }
        return new ArenasAllocator(descriptor, space, commits, slabs, objects, false, config.vm());
    }

    /** The seed's default allocator: one object arena of 16-byte granules over one reservation of {@code bytes}. */
    public static ArenasAllocator single(DesignDescriptor descriptor, VirtualMemory requested, long bytes) {
        VirtualMemory vm = VirtualMemory.ownFaults(requested); // its faults land here alone
        ArenasSpace space = new ArenasSpace(descriptor.id(), vm, bytes, 2);
        Commits commits = new Commits();
        ObjectArena only = new ObjectArena(0, DEFAULT_GRANULE, bytes, false, space, commits,
                Math.min(MAX_BLOCKS, bytes / DEFAULT_GRANULE), 1);
        return new ArenasAllocator(descriptor, space, commits, new SlabArena[1], new ObjectArena[] {only}, true, vm);
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    // ------------------------------------------------------------------ routing

    /** Where a request goes: a slab arena, or an object arena with the footprint and alignment of its block. */
    private record Route(SlabArena slab, ObjectArena object, long footprint, long alignment) {}

    private Route route(long size, long alignment) {
        if (single) {
            ObjectArena o = objects[0];
            return new Route(null, o, o.footprint(size), Math.max(alignment, o.granule));
        }
        ArenaClasses.Arena arena = ArenaClasses.arenaOf(size);
        if (alignment <= arena.granule()) {
            if (arena.strategy() == ArenaClasses.Strategy.SLAB) {
                return new Route(slabs[arena.index()], null, arena.granule(), arena.granule());
            }
            ObjectArena o = objects[arena.index()];
            return new Route(null, o, o.footprint(size), o.granule);
        }
        long e = Math.max(size, alignment);
        ObjectArena o = objects[Math.max(3, ArenaClasses.arenaOf(e).index())];
        return new Route(null, o, o.footprint(e), alignment);
    }

    // ------------------------------------------------------------------ allocate and free

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        enter(op);
        try {
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
            Route r = route(byteSize, byteAlignment);
            long address = r.slab != null ? r.slab.allocate(descriptor.id(), op)
                    : r.object.allocate(r.footprint, r.alignment, byteSize, descriptor.id(), op);
            liveBytes.addAndGet(byteSize);
            liveCount.incrementAndGet();
            return MemorySegment.ofAddress(address).reinterpret(byteSize);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        enter(op);
        try {
            release(block.address(), block.byteSize(), op);
            liveBytes.addAndGet(-block.byteSize());
            liveCount.decrementAndGet();
        } finally {
            gate.exit();
        }
    }

    private void release(long address, long size, String op) {
        ArenaReservation r = reservationOf(address, size, op);
        if (r.slab != null) {
            SlabArena s = slabs[r.arena];
            s.requireLive(r, address, descriptor.id(), op);
            checkSlabSize(s, address, size, op);
            s.free(r, address, descriptor.id(), op);
        } else {
            objects[single ? 0 : r.arena].free(r, address, size, descriptor.id(), op);
        }
    }

    /** The reservation holding {@code address}, or the refusal of a block operation on an address outside them all. */
    private ArenaReservation reservationOf(long address, long size, String op) {
        if (size < 1) {
            throw new InvalidSizeException(descriptor.id(), op, "size " + size + " is below 1");
        }
        Optional<ArenaReservation> r = space.find(address);
        if (r.isPresent()) {
            return r.get();
        }
        if (space.recentlyReleased(address)) {
            throw new InvalidFreeException(descriptor.id(), op, Reason.UNKNOWN, "the address is in a reservation"
                    + " released after it emptied");
        }
        throw new InvalidFreeException(descriptor.id(), op, Reason.FOREIGN, "no reservation of this allocator holds"
                + " it");
    }

    private void checkSlabSize(SlabArena s, long address, long size, String op) {
        ArenaClasses.Arena arena = ArenaClasses.arenaOf(size);
        if (arena.index() != s.index) {
            throw new InvalidFreeException(descriptor.id(), op, Reason.WRONG_SIZE, "size " + size + " belongs to arena "
                    + arena.index() + ", but the block at 0x" + Long.toHexString(address) + " is a " + s.slot
                    + "-byte slot of arena " + s.index);
        }
    }

    // ------------------------------------------------------------------ realloc

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        long oldSize = block.byteSize();
        long address = block.address();
        String op = Requests.onBlock("reallocate", address, oldSize) + "->" + newSize;
        enter(op);
        try {
            Requests.checkSize(descriptor, op, newSize);
            ArenaReservation r = reservationOf(address, oldSize, op);
            Route to = route(newSize, 1);
            boolean inPlace;
            if (r.slab != null) {
                SlabArena s = slabs[r.arena];
                s.requireLive(r, address, descriptor.id(), op);
                checkSlabSize(s, address, oldSize, op);
                inPlace = to.slab == s;
            } else {
                // in place when the new size needs a block of this one's footprint, at an alignment it has: its own
                // arena's, or a slab class's (an aligned request served from an object arena has its class)
                ObjectArena o = objects[single ? 0 : r.arena];
                long footprint = ObjectArena.footprintOf(o.requireLive(r, address, oldSize, descriptor.id(), op));
                inPlace = to.footprint == footprint && (to.object == o || to.slab != null
                        && Long.numberOfTrailingZeros(address) >= Long.numberOfTrailingZeros(to.alignment));
                if (inPlace) {
                    o.resize(address, newSize);
                }
            }
            if (inPlace) {
                liveBytes.addAndGet(newSize - oldSize);
                return MemorySegment.ofAddress(address).reinterpret(newSize);
            }
            return Moves.byCopy(this, block, newSize);
        } finally {
            gate.exit();
        }
    }

    // ------------------------------------------------------------------ queries

    @Override
    public long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        enter(op);
        try {
            Optional<BlockInfo> info = ownerOf(block.address());
            if (info.isEmpty() || info.get().start() != block.address()) {
                ArenaReservation r = reservationOf(block.address(), Math.max(1, block.byteSize()), op);
                if (r.slab != null) {
                    slabs[r.arena].requireLive(r, block.address(), descriptor.id(), op);
                } else {
                    objects[single ? 0 : r.arena].requireLive(r, block.address(), block.byteSize(), descriptor.id(), op);
                }
                throw new InvalidFreeException(descriptor.id(), op, Reason.UNKNOWN, "no live block starts here");
            }
            return info.get().usableSize();
        } finally {
            gate.exit();
        }
    }

    @Override
    public Optional<BlockInfo> owner(long address) {
        enter("owner(address=0x" + Long.toHexString(address) + ")");
        try {
            return ownerOf(address);
        } finally {
            gate.exit();
        }
    }

    private Optional<BlockInfo> ownerOf(long address) {
        Optional<ArenaReservation> found = space.find(address);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ArenaReservation r = found.get();
        if (r.slab != null) {
            SlabArena s = slabs[r.arena];
            long start = s.liveSlotStart(r, address);
            return start < 0 ? Optional.empty() : Optional.of(new BlockInfo(start, s.slot, r.arena));
        }
        return objects[single ? 0 : r.arena].blockAt(r, address).map(b -> new BlockInfo(b[0], b[1], classOf(b[1])));
    }

    /**
     * The class of an object block of {@code footprint} bytes: a slab class when the footprint is its size (an
     * aligned request served from an object arena), else none.
     */
    private int classOf(long footprint) {
        if (single) {
            return -1;
        }
        int c = CLASSES.classOf(footprint);
        return c >= 0 && CLASSES.size(c) == footprint ? c : -1;
    }

    private static final ArenaClasses CLASSES = new ArenaClasses();

    /**
     * The units that hold a live block: its reservation ({@code slab reservation} or {@code object reservation},
     * indexed by its id) and its slot (indexed by slot number) or block (indexed by granules from the reservation's
     * base).
     */
    @Override
    public Optional<Placement> placement(long address) {
        enter("placement(address=0x" + Long.toHexString(address) + ")");
        try {
            return ownerOf(address).map(info -> {
                ArenaReservation r = space.find(info.start()).orElseThrow();
                if (r.slab != null) {
                    return new Placement(List.of(new Placement.Level("slab reservation", r.id, r.base(), r.bytes(),
                            r.slab.capacity),
                            new Placement.Level("slot", (info.start() - r.base()) / info.usableSize(), info.start(),
                                    info.usableSize())));
                }
                long granule = objects[single ? 0 : r.arena].granule;
                return new Placement(List.of(new Placement.Level("object reservation", r.id, r.base(), r.bytes()),
                        new Placement.Level("block", (info.start() - r.base()) / granule, info.start(),
                                info.usableSize())));
            });
        } finally {
            gate.exit();
        }
    }

    @Override
    public boolean owns(long address, long length) {
        enter("owns(address=0x" + Long.toHexString(address) + ", length=" + length + ")");
        try {
            return length >= 0 && space.find(address).filter(r -> address + length <= r.end()).isPresent();
        } finally {
            gate.exit();
        }
    }

    @Override
    public List<AddressRange> reservedRanges() {
        enter("reservedRanges()");
        try {
            List<AddressRange> out = new ArrayList<>(space.ranges());
            for (ObjectArena o : objects) {
                if (o != null) {
                    out.addAll(o.indexRanges());
                }
            }
            return out;
        } finally {
            gate.exit();
        }
    }

    /**
     * Idle, the design keeps: one reservation of each slab arena used so far, with its bookkeeping mapping and at
     * most one spare page committed; one reservation of each object arena used so far, with at most its spare
     * ({@value Spare#MAX} bytes) committed; and the pages its indexes grew to (kept once grown).
     */
    @Override
    public long idleCommittedBound() {
        enter("idleCommittedBound()");
        try {
            long bound = space.indexCommitted();
            for (SlabArena s : slabs) {
                if (s != null && s.used()) {
                    long capacity = s.reservationBytes / s.slot;
                    bound += SlabMeta.bytesFor(capacity, s.reservationBytes / VirtualMemory.pageSize())
                            + VirtualMemory.pageSize();
                }
            }
            for (ObjectArena o : objects) {
                if (o != null) {
                    bound += o.indexCommitted() + (o.reservationCount() > 0 ? Spare.MAX : 0);
                }
            }
            return bound;
        } finally {
            gate.exit();
        }
    }

    @Override
    public void injectFault(InjectedFault kind, int skip) {
        InjectedFaults.inject(vm, kind, skip);
    }

    @Override
    public void clearFaults() {
        InjectedFaults.clear(vm);
    }

    @Override
    public long faultsFired(InjectedFault kind) {
        return InjectedFaults.fired(vm, kind);
    }

    @Override
    public Stats stats() {
        enter("stats()");
        try {
            long reserved = space.reservedData() + space.reservedMeta();
            long committed = commits.bytes() + space.committedMeta();
            for (ObjectArena o : objects) {
                if (o != null) {
                    reserved += o.indexReserved();
                    committed += o.indexCommitted();
                }
            }
            return new Stats(reserved, committed, liveBytes.get(), liveCount.get());
        } finally {
            gate.exit();
        }
    }

    /** One reservation, as {@link #census()} shows it. */
    public record ReservationView(int id, int arena, long base, long bytes, boolean slab) {}

    /**
     * What the allocator holds, for the design's own properties: every reservation (its arena is 0 for
     * {@code arenas-default}'s one), the free ranges of each object arena in address order as {start, length}, and
     * the bytes committed for data pages and for bookkeeping.
     */
    public record Census(List<ReservationView> reservations, java.util.Map<Integer, List<long[]>> freeRanges,
            long dataCommitted, long metadataCommitted) {}

    /** The allocator's reservations, free ranges and commits now (take it with no operation in flight). */
    public Census census() {
        enter("census()");
        try {
            List<ReservationView> views = space.reservations().stream()
                    .map(r -> new ReservationView(r.id, r.arena, r.base(), r.bytes(), r.slab != null)).toList();
            java.util.Map<Integer, List<long[]>> free = new java.util.TreeMap<>();
            for (ObjectArena o : objects) {
                if (o != null) {
                    free.put(o.index, o.freeRanges());
                }
            }
            Stats s = stats();
            return new Census(views, free, commits.bytes(), s.committedBytes() - commits.bytes());
        } finally {
            gate.exit();
        }
    }

    @Override
    public void close() {
        gate.close(() -> {
            space.close();
            for (ObjectArena o : objects) {
                if (o != null) {
                    o.close();
                }
            }
        });
    }

    /** Enters the close gate for {@code op}; pair with {@code gate.exit()}. */
    private void enter(String op) {
        if (!gate.enter()) {
            throw new AllocatorClosedException(descriptor.id(), op, "the allocator is closed");
        }
    }
}
