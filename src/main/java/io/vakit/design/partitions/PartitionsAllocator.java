package io.vakit.design.partitions;

import io.vakit.pal.VirtualMemory;
import io.vakit.design.InjectedFaults;
import io.vakit.spi.InjectedFault;
import io.vakit.design.Moves;
import io.vakit.ds.CloseGate;
import io.vakit.spi.AddressRange;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.Placement;
import io.vakit.spi.Requests;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Design {@code partitions} (seed 004): per-thread memory. Each thread has a heap that owns slices of the eight
 * partitions; a request of up to 32 KiB is an item of a pool (a part cut into items of one class), up to row 5's part
 * a whole part, up to row 7's arena a whole arena, and above that, up to 8 GiB, a mapping of the high range. Every
 * parent is found by arithmetic from the address: the partition from the address range, the slice, arena and part
 * by aligning down, the owning thread from the slice's owner. A free by the owning thread is immediate; a free by
 * another thread marks the block freed and queues it on the owner's {@link io.vakit.ds.DeferredQueue}: the owner
 * reuses it once it takes the queue back, at its next allocation. When a thread has ended, the next thread that
 * needs memory or frees one of its blocks adopts its heap. See spec/partitions.md.
 *
 * <p>This class routes a request (to a pool item, a part, a whole arena or a mapping) and answers the SPI; a
 * {@link ThreadHeap} carves and gives back its thread's memory; {@link ThreadHeaps} adopts the heaps of ended
 * threads; a {@link BlockLocator} finds a block, and its owner, from its address.
 */
public final class PartitionsAllocator implements Allocator {
    /** The largest explicit alignment. */
    public static final long MAX_ALIGNMENT = 2L << 20;

    private final DesignDescriptor descriptor;
    private final PartitionsConfig config;
    private final PartitionClasses classes = new PartitionClasses();
    private final PartitionsSpace space;
    private final BlockLocator locator;
    private final ThreadHeaps heaps;
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong liveCount = new AtomicLong();
    /** Every operation passes it; close shuts it once the operations inside have left. */
    private final CloseGate gate = new CloseGate();

    /** Opens an allocator of {@code config}'s scale. */
    public PartitionsAllocator(DesignDescriptor descriptor, PartitionsConfig config) {
        this.descriptor = descriptor;
        this.config = config.withVm(VirtualMemory.ownFaults(config.vm())); // faults injected into it land here alone
        this.space = new PartitionsSpace(this.config, descriptor.id());
        this.locator = new BlockLocator(space);
        this.heaps = new ThreadHeaps(space, locator);
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    /** The configuration. */
    public PartitionsConfig config() {
        return config;
    }

    private <T> T open(String op, Supplier<T> body) {
        if (!gate.enter()) {
            throw new AllocatorClosedException(descriptor.id(), op, "the allocator is closed");
        }
        try {
            return body.get();
        } finally {
            gate.exit();
        }
    }

    // ------------------------------------------------------------------ the seed's rounding, and routes

    /**
     * A request of {@code size} at {@code alignment}, rounded up to a multiple of the alignment: {@code size +
     * (alignment - remainder)} when there is a remainder. (The seed adds the remainder itself, which gives neither a
     * multiple nor the alignment.)
     */
    public static long alignedSize(long size, long alignment) {
        long remainder = size % alignment;
        return remainder == 0 ? size : size + (alignment - remainder);
    }

    /** Where an effective request goes. */
    enum Route { POOL, PART, ARENA, HIGH }

    Route route(long effective) {
        if (effective <= PartitionClasses.MAX_POOL) {
            return Route.POOL;
        }
        long unit = Long.highestOneBit(effective - 1) << 1;
        return unit <= config.largestPart() ? Route.PART : effective <= config.largestArena() ? Route.ARENA
                : Route.HIGH;
    }

    /** The part row for a block of {@code unit} (a power of two) bytes. */
    private int partRow(long unit) {
        return Math.max(0, Long.numberOfTrailingZeros(unit) - Long.numberOfTrailingZeros(config.partBytes(0)));
    }

    /** The arena row for a block of {@code unit} (a power of two) bytes. */
    private int arenaRow(long unit) {
        return Math.max(0, Long.numberOfTrailingZeros(unit) - Long.numberOfTrailingZeros(config.arena0()));
    }

    /** The natural alignment of a request of {@code size}: its class's, its part's or arena's size, or the page. */
    public static long alignmentFor(PartitionsConfig config, long size) {
        PartitionClasses classes = new PartitionClasses();
        if (size <= PartitionClasses.MAX_POOL) {
            return classes.alignmentFor(size);
        }
        long unit = Long.highestOneBit(size - 1) << 1;
        if (unit <= config.largestPart()) {
            return Math.max(unit, config.partBytes(0));
        }
        return size <= config.largestArena() ? Math.max(unit, config.arena0()) : 4096;
    }

    // ------------------------------------------------------------------ allocate

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        return open(op, () -> {
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
            long effective = alignedSize(byteSize, byteAlignment);
            long address;
            if (route(effective) == Route.HIGH) {
                address = space.mapping(effective, byteAlignment, op);
            } else {
                ThreadHeap h = heaps.current();
                h.lock.lock();
                try {
                    h.drain();
                    address = base() + place(h, effective, byteAlignment, op);
                } finally {
                    h.lock.unlock();
                }
            }
            liveBytes.addAndGet(byteSize);
            liveCount.incrementAndGet();
            return MemorySegment.ofAddress(address).reinterpret(byteSize);
        });
    }

    private long base() {
        return locator.base();
    }

    /** Routes an effective request to the calling thread's heap {@code h}: an item, a part or a whole arena. */
    private long place(ThreadHeap h, long effective, long alignment, String op) {
        switch (route(effective)) {
            case POOL -> {
                return h.item(classes.classOf(effective), op);
            }
            case PART -> {
                long unit = Math.max(Long.highestOneBit(effective - 1) << 1, alignment);
                return h.partBlock(partRow(unit), op);
            }
            default -> {
                long unit = Math.max(Long.highestOneBit(effective - 1) << 1, alignment);
                return h.wholeArena(arenaRow(unit), op);
            }
        }
    }

    // ------------------------------------------------------------------ free

    @Override
    public void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        open(op, () -> {
            release(block.address(), op);
            liveBytes.addAndGet(-block.byteSize());
            liveCount.decrementAndGet();
            return null;
        });
    }

    private void release(long address, String op) {
        BlockLocator.Where w = locator.locate(address);
        if (w == null) {
            space.freeMapping(address, op);
            return;
        }
        Thread me = Thread.currentThread();
        locator.withOwner(w, op, (owner, s) -> {
            owner.free(s, locator.requireLive(s, w, op), address, me);
            return null;
        });
    }

    // ------------------------------------------------------------------ realloc and queries

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        long oldSize = block.byteSize();
        String op = Requests.onBlock("reallocate", block.address(), oldSize) + "->" + newSize;
        return open(op, () -> {
            Requests.checkSize(descriptor, op, newSize);
            long usable = live(block.address(), op).usableSize();
            boolean inPlace = switch (route(newSize)) {
                case POOL -> usable <= PartitionClasses.MAX_POOL && classes.size(classes.classOf(newSize)) == usable;
                case PART, ARENA -> usable > PartitionClasses.MAX_POOL && unitOf(newSize) == usable;
                case HIGH -> io.vakit.ds.MappingTable.pageRound(newSize) == usable
                        && locator.locate(block.address()) == null;
            };
            if (!inPlace) {
                return Moves.byCopy(this, block, newSize); // inside the gate: close waits for the copy
            }
            liveBytes.addAndGet(newSize - oldSize);
            return MemorySegment.ofAddress(block.address()).reinterpret(newSize);
        });
    }

    /** The usable size of a part or arena block for a request of {@code size}. */
    private long unitOf(long size) {
        long unit = Long.highestOneBit(size - 1) << 1;
        return route(size) == Route.PART ? Math.max(unit, config.partBytes(0)) : Math.max(unit, config.arena0());
    }

    /** The live block starting at {@code address}: start, usable size, class. */
    private BlockInfo live(long address, String op) {
        BlockLocator.Where w = locator.locate(address);
        if (w == null) {
            long[] m = space.mappingAt(address);
            if (m == null || m[0] != address) {
                Reason why = m != null ? Reason.INTERIOR : space.mappingWasFreed(address) ? Reason.DOUBLE : Reason.FOREIGN;
                throw locator.refusal(op, why, why == Reason.DOUBLE ? "a mapping that was freed"
                        : "no live mapping starts here");
            }
            return new BlockInfo(m[0], m[1], -1);
        }
        return locator.withOwner(w, op, (owner, s) -> {
            BlockLocator.Unit b = locator.requireLive(s, w, op);
            return new BlockInfo(base() + b.start(), b.usable(), b.cls());
        });
    }

    @Override
    public long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        return open(op, () -> live(block.address(), op).usableSize());
    }

    @Override
    public Optional<BlockInfo> owner(long address) {
        return open("owner(address=0x" + Long.toHexString(address) + ")", () -> ownerOf(address));
    }

    private Optional<BlockInfo> ownerOf(long address) {
        BlockLocator.Where w = locator.locate(address);
        if (w == null) {
            long[] m = space.mappingAt(address);
            return m == null ? Optional.empty() : Optional.of(new BlockInfo(m[0], m[1], -1));
        }
        return locator.withOwner(w, Optional::empty, (owner, s) -> locator.liveCovering(s, w));
    }

    /**
     * Where the live block covering {@code address} is: partition, slice, arena, then part and item (a pool), part
     * (a part block), or the arena itself; or its mapping in the high range.
     */
    @Override
    public Optional<Placement> placement(long address) {
        return open("placement(address=0x" + Long.toHexString(address) + ")", () -> {
            Optional<BlockInfo> info = ownerOf(address);
            if (info.isEmpty()) {
                return Optional.empty();
            }
            BlockInfo b = info.get();
            BlockLocator.Where w = locator.locate(b.start());
            if (w == null) {
                return Optional.of(new Placement(List.of(new Placement.Level("mapping", 0, b.start(), b.usableSize()))));
            }
            long pStart = base() + config.partitionOffset(w.k());
            long sStart = pStart + w.s() * config.sliceBytes(w.k());
            long aStart = sStart + w.a() * config.arenaBytes(w.k());
            List<Placement.Level> levels = new ArrayList<>();
            boolean wholeArena = b.usableSize() >= config.arenaBytes(w.k());
            boolean wholePart = !wholeArena && b.sizeClass() < 0;
            levels.add(new Placement.Level("partition", w.k(), pStart, config.partitionBytes(w.k())));
            levels.add(new Placement.Level("slice", w.s(), sStart, config.sliceBytes(w.k()),
                    wholeArena ? config.sliceBytes(w.k()) / config.arenaBytes(w.k()) : 0));
            levels.add(new Placement.Level("arena", w.a(), aStart, config.arenaBytes(w.k()),
                    wholePart ? PartitionsConfig.PARTS : 0));
            if (!wholeArena) {
                long partStart = aStart + w.p() * config.partBytes(w.k());
                levels.add(new Placement.Level("part", w.p(), partStart, config.partBytes(w.k()),
                        wholePart ? 0 : config.partBytes(w.k()) / b.usableSize()));
                if (!wholePart) {
                    levels.add(new Placement.Level("item", (b.start() - partStart) / b.usableSize(), b.start(),
                            b.usableSize()));
                }
            }
            return Optional.of(new Placement(levels));
        });
    }

    @Override
    public boolean owns(long address, long length) {
        return open("owns(address=0x" + Long.toHexString(address) + ", length=" + length + ")", () -> {
            if (length < 0) {
                return false;
            }
            if (space.main.contains(address, Math.max(1, length))) {
                return true;
            }
            long[] m = space.mappingAt(address);
            return m != null && address - m[0] + Math.max(1, length) <= m[1];
        });
    }

    @Override
    public List<AddressRange> reservedRanges() {
        return open("reservedRanges()", space::ranges);
    }

    /**
     * Idle, the design keeps: each heap's one empty pool per class (a part each); the units that hold frees from
     * other threads not yet taken back by their owner (it takes them back at its next allocation); and the FSA's
     * blocks, which then hold only those units' binmaps and their slices' and arenas' binmaps.
     */
    @Override
    public long idleCommittedBound() {
        return open("idleCommittedBound()", () -> {
            long kept = 0;
            for (ThreadHeap h : heaps.all()) {
                h.lock.lock();
                try {
                    kept += h.keptBytes() + h.pendingBytes();
                } finally {
                    h.lock.unlock();
                }
            }
            return kept + space.fsa.committedBytes();
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
        return open("stats()", () -> new Stats(space.reservedBytes(), space.committedBytes(), liveBytes.get(),
                liveCount.get()));
    }

    /** What the allocator holds now, for the design's own properties (take it with no operation in flight). */
    public record Census(long dataCommitted, long fsaCommitted, int heaps, int slices, int pools, int keptPools,
            int mappings) {}

    /** The allocator's heaps, slices and commits now. */
    public Census census() {
        return open("census()", () -> {
            int slices = 0;
            int pools = 0;
            int kept = 0;
            for (ThreadHeap h : heaps.all()) {
                h.lock.lock();
                try {
                    for (Slice s : h.allSlices()) {
                        slices++;
                        for (int a = 0; a < s.arenaCount(); a++) {
                            Slice.Arena arena = s.arena(a);
                            for (int p = 0; arena.kind == Slice.PARTS && p < arena.partCount(); p++) {
                                pools += arena.part(p).kind == Slice.POOL ? 1 : 0;
                            }
                        }
                    }
                    kept += h.keptPools();
                } finally {
                    h.lock.unlock();
                }
            }
            return new Census(space.committedMain(), space.fsa.committedBytes(), heaps.all().size(), slices, pools, kept,
                    space.mappingCount());
        });
    }

    /** The thread that owns the slice holding {@code address} (from the address range), if any. */
    public Optional<Thread> ownerThread(long address) {
        return open("ownerThread(address=0x" + Long.toHexString(address) + ")", () -> {
            BlockLocator.Where w = locator.locate(address);
            Slice s = w == null ? null : space.slice(w.k(), w.s());
            return s == null ? Optional.<Thread>empty() : Optional.of(s.owner.thread);
        });
    }

    @Override
    public void close() {
        gate.close(space::close);
    }
}
