package io.vakit.design.partitionsfast;

import io.vakit.design.InjectedFaults;
import io.vakit.design.Moves;
import io.vakit.design.partitions.PartitionClasses;
import io.vakit.design.partitions.PartitionsAllocator;
import io.vakit.design.partitions.PartitionsConfig;
import io.vakit.ds.MappingTable;
import io.vakit.pal.VirtualMemory;
import io.vakit.spi.AddressRange;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.InjectedFault;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.Placement;
import io.vakit.spi.Requests;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Design {@code partitions-fast}: seed 004's layout and classes, as the plain {@code partitions}, optimized for
 * speed. A thread's heap is found in a table indexed by its thread id; an item of up to 32 KiB comes from its class's
 * current page by a local free list or a bump pointer, with no lock, no atomic instruction and no Java object but the
 * returned segment; the owner's free claims the item with one compare-and-set and puts it on the local list; another
 * thread's free claims it the same way and pushes it on the page's lock-free remote stack, which the owner takes whole
 * at its next allocation. Whole parts, whole arenas and the high range take the slow path, through the close gate.
 * See spec/partitions-fast.md.
 */
public final class PartitionsFastAllocator implements Allocator {
    /** The largest explicit alignment. */
    public static final long MAX_ALIGNMENT = PartitionsAllocator.MAX_ALIGNMENT;
    /** Every address: the returned segments are slices of it (no restricted call per allocation). */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    /** The class of every pool size, by (size + 7) / 8: classes change only at multiples of 8. */
    private static final byte[] CLASS_BY_8 = new byte[(int) (PartitionClasses.MAX_POOL / 8) + 1];

    static {
        PartitionClasses table = new PartitionClasses();
        for (int j = 1; j < CLASS_BY_8.length; j++) {
            CLASS_BY_8[j] = (byte) table.classOf(8L * j);
        }
    }

    private final DesignDescriptor descriptor;
    private final PartitionsConfig config;
    private final PartitionClasses classes = new PartitionClasses();
    private final FastSpace space;
    private final FastHeaps heaps;
    private final long base;
    private final long maxRequest;
    private final LongAdder remoteFrees = new LongAdder();
    private final LongAdder remoteFreedBytes = new LongAdder();
    private final LongAdder largeLive = new LongAdder();
    private final LongAdder largeLiveBytes = new LongAdder();

    /** Opens an allocator of {@code config}'s scale. */
    public PartitionsFastAllocator(DesignDescriptor descriptor, PartitionsConfig config) {
        this.descriptor = descriptor;
        this.config = config.withVm(VirtualMemory.ownFaults(config.vm()));
        this.space = new FastSpace(this.config, descriptor.id());
        this.heaps = new FastHeaps(space);
        this.base = space.base;
        this.maxRequest = descriptor.maxBlockSize();
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    private AllocatorClosedException closed(String op) {
        return new AllocatorClosedException(descriptor.id(), op, "the allocator is closed");
    }

    private void checkOpen(String op) {
        if (space.closed) {
            throw closed(op);
        }
    }

    /** Enters the close gate for a path that commits, decommits or maps. */
    private void enter(String op) {
        if (!space.gate.enter()) {
            throw closed(op);
        }
    }

    // ------------------------------------------------------------------ allocate

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        if (space.closed) {
            throw closed(Requests.allocation(byteSize, byteAlignment));
        }
        if (byteSize < 1 || byteSize > maxRequest || byteAlignment <= 0 || (byteAlignment & (byteAlignment - 1)) != 0
                || byteAlignment > MAX_ALIGNMENT) {
            String op = Requests.allocation(byteSize, byteAlignment);
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
        }
        long effective = (byteSize + byteAlignment - 1) & -byteAlignment; // the plain design's alignedSize
        if (effective > PartitionClasses.MAX_POOL) {
            return allocateLarge(byteSize, byteAlignment, effective);
        }
        FastHeap h = heaps.current();
        if (h.hasPending()) {
            collect(h, byteSize, byteAlignment);
        }
        int c = CLASS_BY_8[(int) ((effective + 7) >>> 3)];
        Page p = h.current[c];
        int i = p == null ? -1 : p.take();
        if (i < 0) {
            p = refill(h, c, byteSize, byteAlignment);
            i = p.take();
        }
        h.handedOut(p, byteSize);
        return ALL.asSlice(base + p.offset + (long) i * p.itemBytes, byteSize);
    }

    private void collect(FastHeap h, long size, long alignment) {
        enter(Requests.allocation(size, alignment));
        try {
            h.collect();
        } finally {
            space.gate.exit();
        }
    }

    private Page refill(FastHeap h, int c, long size, long alignment) {
        String op = Requests.allocation(size, alignment);
        enter(op);
        try {
            return h.refill(c, op);
        } finally {
            space.gate.exit();
        }
    }

    private MemorySegment allocateLarge(long size, long alignment, long effective) {
        String op = Requests.allocation(size, alignment);
        enter(op);
        try {
            long address;
            long unit = Math.max(Long.highestOneBit(effective - 1) << 1, alignment);
            if (unit <= config.largestPart()) {
                FastHeap h = heaps.current();
                h.collect();
                address = base + h.partBlock(row(unit, config.partBytes(0)), op).offset;
            } else if (effective <= config.largestArena()) {
                FastHeap h = heaps.current();
                h.collect();
                address = base + h.wholeArena(row(unit, config.arena0()), op).offset;
            } else {
                address = space.mapping(effective, alignment, op);
            }
            largeLive.increment();
            largeLiveBytes.add(size);
            return ALL.asSlice(address, size);
        } finally {
            space.gate.exit();
        }
    }

    private static int row(long unit, long row0) {
        return Math.max(0, Long.numberOfTrailingZeros(unit) - Long.numberOfTrailingZeros(row0));
    }

    // ------------------------------------------------------------------ free

    /**
     * The fast path: an item of the page this thread allocated from last is freed with no address lookup (the page
     * is its own); anything else goes to {@link #freeAnywhere}.
     */
    @Override
    public void free(MemorySegment block) {
        long address = block.address();
        if (space.closed) {
            throw closed(Requests.onBlock("free", address, block.byteSize()));
        }
        FastHeap mine = heaps.cached(Thread.currentThread());
        if (mine != null) {
            Page hot = mine.hot;
            long inPart = address - base - hot.offset;
            if (inPart >= 0 && inPart < hot.span) {
                int i = hot.itemAt(inPart);
                if (inPart == (long) i * hot.itemBytes && hot.claim(i, Page.FREED)) {
                    mine.freeLocal(hot, i, block.byteSize());
                    return;
                }
            }
        }
        freeAnywhere(block);
    }

    /** A free found by the address arithmetic: the owner's or another thread's, of an item or a whole block. */
    private void freeAnywhere(MemorySegment block) {
        long address = block.address();
        long size = block.byteSize();
        long off = address - base;
        Thread me = Thread.currentThread();
        int k = space.partitionOf(off);
        FastSlice s = k < 0 ? null : space.slice(k, space.sliceOf(k, off));
        Object unit = s == null ? null : s.unit(space.unitOf(k, off));
        if (unit instanceof Page p) {
            long inPart = off - p.offset;
            int i = p.itemAt(inPart);
            FastHeap owner = s.owner;
            if (i < p.capacity && inPart == (long) i * p.itemBytes) {
                if (owner.thread == me) {
                    if (p.claim(i, Page.FREED)) {
                        owner.freeLocal(p, i, size);
                        return;
                    }
                } else if (p.claim(i, Page.REMOTE)) {
                    remoteFrees.increment();
                    remoteFreedBytes.add(size);
                    if (p.pushRemote(i)) {
                        s.owner.notePending(p);
                    }
                    return;
                }
            }
        }
        freeSlow(block, k, s, unit);
    }

    /** A free that is not of a pool item: a whole block, a mapping, or a refusal that names the reason. */
    private void freeSlow(MemorySegment block, int k, FastSlice s, Object unit) {
        long address = block.address();
        String op = Requests.onBlock("free", address, block.byteSize());
        if (k < 0) {
            enter(op);
            try {
                space.freeMapping(address, op);
            } finally {
                space.gate.exit();
            }
            largeGone(block.byteSize());
            return;
        }
        if (unit instanceof WholeBlock b && b.offset == address - base) {
            if (s.owner.thread == Thread.currentThread()) {
                enter(op);
                try {
                    if (b.claim(WholeBlock.FREE)) {
                        s.owner.giveBack(b);
                        largeGone(block.byteSize());
                        return;
                    }
                } finally {
                    space.gate.exit();
                }
            } else if (b.claim(WholeBlock.PENDING)) {
                largeGone(block.byteSize());
                s.owner.notePending(b);
                return;
            }
        }
        throw space.refusal(op, refusalOf(address, s, unit), describe(address, k, s, unit));
    }

    private void largeGone(long size) {
        largeLive.decrement();
        largeLiveBytes.add(-size);
    }

    /** Why no free of {@code address} can be made. */
    private Reason refusalOf(long address, FastSlice s, Object unit) {
        long off = address - base;
        if (unit instanceof Page p) {
            int i = p.itemAt(off - p.offset);
            if (i >= p.capacity) {
                return Reason.UNKNOWN;
            }
            byte st = p.state(i);
            if (off - p.offset != (long) i * p.itemBytes) {
                return st == Page.LIVE ? Reason.INTERIOR : Reason.UNKNOWN;
            }
            return st == Page.REMOTE || st == Page.FREED ? Reason.DOUBLE : Reason.UNKNOWN;
        }
        if (unit instanceof WholeBlock b) {
            int st = b.state();
            if (off != b.offset) {
                return st == WholeBlock.LIVE ? Reason.INTERIOR : Reason.UNKNOWN;
            }
            return st == WholeBlock.PENDING || st == WholeBlock.FREE ? Reason.DOUBLE : Reason.UNKNOWN;
        }
        return Reason.UNKNOWN;
    }

    private String describe(long address, int k, FastSlice s, Object unit) {
        if (s == null) {
            return "slice " + space.sliceOf(k, address - base) + " of partition " + k + " is owned by no thread";
        }
        if (unit instanceof Page p) {
            return "in the pool of " + p.itemBytes + "-byte items at 0x" + Long.toHexString(base + p.offset)
                    + ": no live item starts here";
        }
        if (unit instanceof WholeBlock b) {
            return "in the " + (b.wholeArena() ? "arena" : "part") + " at 0x" + Long.toHexString(base + b.offset)
                    + ": no live block starts here";
        }
        return "in a free part of slice " + s.index + " of partition " + k;
    }

    // ------------------------------------------------------------------ realloc and queries

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        long oldSize = block.byteSize();
        String op = Requests.onBlock("reallocate", block.address(), oldSize) + "->" + newSize;
        enter(op);
        try {
            Requests.checkSize(descriptor, op, newSize);
            BlockInfo b = live(block.address(), op);
            long usable = b.usableSize();
            boolean inPlace;
            if (newSize <= PartitionClasses.MAX_POOL) {
                inPlace = b.sizeClass() >= 0 && classes.size(classes.classOf(newSize)) == usable;
            } else if (newSize <= config.largestArena()) {
                inPlace = b.sizeClass() < 0 && space.partitionOf(block.address() - base) >= 0
                        && unitOf(newSize) == usable;
            } else {
                inPlace = MappingTable.pageRound(newSize) == usable && space.partitionOf(block.address() - base) < 0;
            }
            if (!inPlace) {
                return Moves.byCopy(this, block, newSize); // inside the gate: close waits for the copy
            }
            resized(block.address(), b, newSize - oldSize);
            return ALL.asSlice(block.address(), newSize);
        } finally {
            space.gate.exit();
        }
    }

    /** Counts a reallocation in place: on the calling thread's heap for an item, else on the large counters. */
    private void resized(long address, BlockInfo b, long delta) {
        if (b.sizeClass() >= 0) {
            FastHeap h = heaps.current();
            h.allocatedBytes += delta;
        } else {
            largeLiveBytes.add(delta);
        }
    }

    /** The usable size of a part or arena block for a request of {@code size}. */
    private long unitOf(long size) {
        long unit = Long.highestOneBit(size - 1) << 1;
        return unit <= config.largestPart() ? Math.max(unit, config.partBytes(0)) : Math.max(unit, config.arena0());
    }

    /** The live block starting at {@code address}. */
    private BlockInfo live(long address, String op) {
        Optional<BlockInfo> b = covering(address);
        if (b.isPresent() && b.get().start() == address) {
            return b.get();
        }
        long off = address - base;
        int k = space.partitionOf(off);
        if (k < 0) {
            Reason why = b.isPresent() ? Reason.INTERIOR : space.mappingWasFreed(address) ? Reason.DOUBLE : Reason.FOREIGN;
            throw space.refusal(op, why, why == Reason.DOUBLE ? "a mapping that was freed" : "no live mapping starts here");
        }
        FastSlice s = space.slice(k, space.sliceOf(k, off));
        Object unit = s == null ? null : s.unit(space.unitOf(k, off));
        throw space.refusal(op, refusalOf(address, s, unit), describe(address, k, s, unit));
    }

    /** The live block covering {@code address}, if any. Any thread; never throws. */
    private Optional<BlockInfo> covering(long address) {
        long off = address - base;
        int k = space.partitionOf(off);
        if (k < 0) {
            long[] m = space.mappingAt(address);
            return m == null ? Optional.empty() : Optional.of(new BlockInfo(m[0], m[1], -1));
        }
        FastSlice s = space.slice(k, space.sliceOf(k, off));
        Object unit = s == null ? null : s.unit(space.unitOf(k, off));
        if (unit instanceof Page p) {
            int i = p.itemAt(off - p.offset);
            return i < p.capacity && p.state(i) == Page.LIVE
                    ? Optional.of(new BlockInfo(base + p.offset + (long) i * p.itemBytes, p.itemBytes, p.cls))
                    : Optional.empty();
        }
        if (unit instanceof WholeBlock b && b.state() == WholeBlock.LIVE) {
            return Optional.of(new BlockInfo(base + b.offset, b.bytes, -1));
        }
        return Optional.empty();
    }

    @Override
    public long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        checkOpen(op);
        return live(block.address(), op).usableSize();
    }

    @Override
    public Optional<BlockInfo> owner(long address) {
        checkOpen("owner(address=0x" + Long.toHexString(address) + ")");
        return covering(address);
    }

    /** The levels of the plain design: partition, slice, arena, then part and item, or part, or the arena alone. */
    @Override
    public Optional<Placement> placement(long address) {
        checkOpen("placement(address=0x" + Long.toHexString(address) + ")");
        Optional<BlockInfo> info = covering(address);
        if (info.isEmpty()) {
            return Optional.empty();
        }
        BlockInfo b = info.get();
        long off = b.start() - base;
        int k = space.partitionOf(off);
        if (k < 0) {
            return Optional.of(new Placement(List.of(new Placement.Level("mapping", 0, b.start(), b.usableSize()))));
        }
        int s = space.sliceOf(k, off);
        int u = space.unitOf(k, off);
        int a = u / FastSpace.PARTS;
        int p = u % FastSpace.PARTS;
        long pStart = base + config.partitionOffset(k);
        long sStart = pStart + s * config.sliceBytes(k);
        long aStart = sStart + a * config.arenaBytes(k);
        boolean wholeArena = b.usableSize() >= config.arenaBytes(k);
        boolean wholePart = !wholeArena && b.sizeClass() < 0;
        List<Placement.Level> levels = new ArrayList<>();
        levels.add(new Placement.Level("partition", k, pStart, config.partitionBytes(k)));
        levels.add(new Placement.Level("slice", s, sStart, config.sliceBytes(k),
                wholeArena ? config.sliceBytes(k) / config.arenaBytes(k) : 0));
        levels.add(new Placement.Level("arena", a, aStart, config.arenaBytes(k), wholePart ? PartitionsConfig.PARTS : 0));
        if (!wholeArena) {
            long partStart = aStart + p * config.partBytes(k);
            levels.add(new Placement.Level("part", p, partStart, config.partBytes(k),
                    wholePart ? 0 : config.partBytes(k) / b.usableSize()));
            if (!wholePart) {
                levels.add(new Placement.Level("item", (b.start() - partStart) / b.usableSize(), b.start(),
                        b.usableSize()));
            }
        }
        return Optional.of(new Placement(levels));
    }

    @Override
    public boolean owns(long address, long length) {
        checkOpen("owns(address=0x" + Long.toHexString(address) + ", length=" + length + ")");
        if (length < 0) {
            return false;
        }
        if (space.main.contains(address, Math.max(1, length))) {
            return true;
        }
        long[] m = space.mappingAt(address);
        return m != null && address - m[0] + Math.max(1, length) <= m[1];
    }

    @Override
    public List<AddressRange> reservedRanges() {
        enter("reservedRanges()");
        try {
            return space.ranges();
        } finally {
            space.gate.exit();
        }
    }

    /**
     * Idle, the design keeps: each heap's one empty page per class, and the units that hold frees from other threads
     * not yet taken back (pages with remote items, whole blocks pending). Read when no operation runs.
     */
    @Override
    public long idleCommittedBound() {
        checkOpen("idleCommittedBound()");
        long kept = 0;
        for (FastHeap h : heaps.all()) {
            kept += h.keptBytes() + h.pendingBytes();
        }
        return kept;
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

    /** The counters, summed over the heaps: exact when no operation runs. */
    @Override
    public Stats stats() {
        enter("stats()");
        try {
            long count = largeLive.sum() - remoteFrees.sum();
            long bytes = largeLiveBytes.sum() - remoteFreedBytes.sum();
            for (FastHeap h : heaps.all()) {
                count += h.allocated - h.freed;
                bytes += h.allocatedBytes - h.freedBytes;
            }
            return new Stats(space.reservedBytes(), space.committedBytes(), bytes, count);
        } finally {
            space.gate.exit();
        }
    }

    /** What the allocator holds now, for the design's own tests (take it with no operation in flight). */
    public record Census(long committed, int heaps, int slices, int pages, int keptPages, int mappings) {}

    /** The allocator's heaps, slices and pages now. */
    public Census census() {
        checkOpen("census()");
        int slices = 0;
        int pages = 0;
        int kept = 0;
        for (FastHeap h : heaps.all()) {
            for (FastSlice s : h.allSlices()) {
                slices++;
                for (int u = 0; u < s.unitCount(); u++) {
                    pages += s.unit(u) instanceof Page ? 1 : 0;
                }
            }
            for (Page p : h.keptEmpty) {
                kept += p == null ? 0 : 1;
            }
        }
        return new Census(space.committedMain(), heaps.all().size(), slices, pages, kept, space.mappingCount());
    }

    @Override
    public void close() {
        space.close();
    }
}
