package io.vakit.design.chunks;

import io.vakit.pal.VirtualMemory;
import io.vakit.design.InjectedFaults;
import io.vakit.spi.InjectedFault;
import io.vakit.design.Moves;
import io.vakit.ds.MappingTable;
import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemoryException;
import io.vakit.spi.AddressRange;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.InvalidAlignmentException;
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
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Seed 000's allocator: segments of regions of 1 MiB blocks of 4 KiB chunks, every piece of bookkeeping outside user
 * memory and reached by address arithmetic from the block's address. A size's class names its region type
 * ({@link ChunkClasses#regionType}): items inside a chunk ({@link ItemChunks}), a run of chunks inside a block
 * ({@link ChunkRuns}), or a run of blocks inside a region ({@link BlockRuns}); above a region a block gets its own
 * mapping. The natural alignment ({@link ChunkClasses#alignmentFor}) is the only one: a free goes by size, and a
 * block of a larger class than its size's could not be told from a wrong-size free. Thread-safe: one lock.
 */
public final class ChunksAllocator implements Allocator {
    private final DesignDescriptor descriptor;
    private final ChunksConfig config;
    private final ChunkClasses classes = new ChunkClasses();
    private final ChunksSpace space;
    private final Containers containers;
    private final ItemChunks items;
    private final ChunkRuns chunkRuns;
    private final BlockRuns blockRuns;
    private final ReentrantLock lock = new ReentrantLock();
    private long liveBytes;
    private long liveCount;
    private boolean closed;

    /** An allocator of {@code config}, described by {@code descriptor}. */
    public ChunksAllocator(DesignDescriptor descriptor, ChunksConfig config) {
        this.descriptor = descriptor;
        this.config = config.withVm(VirtualMemory.ownFaults(config.vm())); // faults injected into it land here alone
        this.space = new ChunksSpace(this.config, descriptor.id());
        this.containers = new Containers(space);
        this.items = new ItemChunks(space, containers, classes);
        this.chunkRuns = new ChunkRuns(space, containers, classes);
        this.blockRuns = new BlockRuns(space, containers, classes);
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    /** The configuration. */
    public ChunksConfig config() {
        return config;
    }

    // ------------------------------------------------------------------ allocate and free

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        return locked(op, () -> {
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
            if (byteAlignment > classes.alignmentFor(byteSize)) {
                throw new InvalidAlignmentException(descriptor.id(), op, "alignment " + byteAlignment
                        + " is above the natural alignment " + classes.alignmentFor(byteSize) + " of " + byteSize
                        + " bytes (its class); ask for " + byteAlignment + " bytes instead");
            }
            long address = place(byteSize, op);
            liveBytes += byteSize;
            liveCount++;
            return MemorySegment.ofAddress(address).reinterpret(byteSize);
        });
    }

    /**
     * Places a block; a refusal changes nothing: each step undoes its own records, and the FSA is rewound to where it
     * was, so the metadata pages a refused request first touched are given back too.
     */
    private long place(long size, String op) {
        int c = classes.classOf(size);
        if (c < 0 || size > config.regionBytes()) {
            return mapping(size, op);
        }
        int mark = space.fsa.mark();
        try {
            return space.main.base() + switch (classes.regionType(c)) {
                case CHUNK -> items.allocate(c, op);
                case CHUNK_RUN -> chunkRuns.allocate((int) (classes.size(c) >>> 12), c, op);
                case BLOCK_RUN -> blockRuns.allocate((int) (classes.size(c) >>> 20), c, op);
            };
        } catch (RuntimeException e) {
            space.fsa.rewindTo(mark);
            throw e;
        }
    }

    /** The bytes of the mapping of a request of {@code size}: its class's size, or page-rounded beyond the table. */
    private long mappingBytes(long size) {
        int c = classes.classOf(size);
        return c >= 0 ? classes.size(c) : MappingTable.pageRound(size);
    }

    private long mapping(long size, String op) {
        long bytes = mappingBytes(size);
        try {
            return space.mappings.allocate(bytes, classes.alignmentFor(size));
        } catch (VirtualMemoryException e) {
            throw space.exhausted(op, "no address space or memory for a " + bytes + "-byte mapping", e);
        }
    }

    @Override
    public void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        locked(op, () -> {
            release(requireLive(block.address(), block.byteSize(), op));
            liveBytes -= block.byteSize();
            liveCount--;
            return null;
        });
    }

    /** Where a live block is: the container kind and the numbers address arithmetic found. */
    private record Live(Kind kind, int segment, int block, int chunk, int item, long address) {}

    private enum Kind { ITEM, CHUNK_RUN, BLOCK_RUN, MAPPING }

    /**
     * The live block starting at {@code address}, checked for a free of {@code size} bytes.
     *
     * @throws InvalidFreeException for an address no live block starts at, or a size of another class
     */
    private Live requireLive(long address, long size, String op) {
        if (size < 1) {
            throw new InvalidSizeException(descriptor.id(), op, "size " + size + " is below 1");
        }
        long offset = address - space.main.base();
        if (offset < 0 || offset >= space.main.size()) {
            Reservation r = space.mappings.containing(address);
            if (r == null) {
                throw new InvalidFreeException(descriptor.id(), op, space.mappings.wasFreed(address) ? Reason.DOUBLE
                        : Reason.FOREIGN, space.mappings.wasFreed(address) ? "a mapping that was freed"
                        : "outside the segments and every mapping");
            }
            if (r.base() != address) {
                throw new InvalidFreeException(descriptor.id(), op, Reason.INTERIOR, "inside the mapping at 0x"
                        + Long.toHexString(r.base()));
            }
            if (mappingBytes(size) != r.size()) {
                throw new InvalidFreeException(descriptor.id(), op, Reason.WRONG_SIZE, "size " + size + " needs a "
                        + mappingBytes(size) + "-byte mapping, not this one of " + r.size());
            }
            return new Live(Kind.MAPPING, 0, 0, 0, 0, address);
        }
        int s = (int) (offset >>> config.segmentShift());
        int r = (int) (offset >>> config.regionShift()) & (config.regionsPerSegment() - 1);
        int b = (int) (offset >>> 20) & (config.blocksPerSegment() - 1);
        int k = (int) (offset >>> 12) & 255;
        switch (space.regions.type(s, r)) {
            case RegionRecords.ITEMS -> {
                if (space.blocks.state(s, b) != BlockRecords.ITEMS) {
                    throw notLive(op, "block " + b + " of an item region is not in use");
                }
                int i = items.requireLive(s, b, k, offset, size, op);
                return new Live(Kind.ITEM, s, b, k, i, address);
            }
            case RegionRecords.CHUNK_RUNS -> {
                if (space.blocks.state(s, b) != BlockRecords.CHUNK_RUNS) {
                    throw notLive(op, "block " + b + " of a chunk-run region is not in use");
                }
                chunkRuns.requireLive(s, b, k, offset, size, op);
                return new Live(Kind.CHUNK_RUN, s, b, k, 0, address);
            }
            case RegionRecords.BLOCK_RUNS -> {
                blockRuns.requireLive(s, b, offset, size, op);
                return new Live(Kind.BLOCK_RUN, s, b, 0, 0, address);
            }
            default -> throw notLive(op, "region " + r + " of segment " + s + " is not in use");
        }
    }

    private InvalidFreeException notLive(String op, String detail) {
        return new InvalidFreeException(descriptor.id(), op, Reason.UNKNOWN, detail);
    }

    private void release(Live l) {
        switch (l.kind) {
            case ITEM -> items.free(l.segment, l.block, l.chunk, l.item);
            case CHUNK_RUN -> chunkRuns.free(l.segment, l.block, l.chunk);
            case BLOCK_RUN -> blockRuns.free(l.segment, l.block);
            case MAPPING -> space.mappings.free(l.address);
        }
    }

    // ------------------------------------------------------------------ realloc

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        long oldSize = block.byteSize();
        String op = Requests.onBlock("reallocate", block.address(), oldSize) + "->" + newSize;
        return locked(op, () -> {
            Requests.checkSize(descriptor, op, newSize);
            Live l = requireLive(block.address(), oldSize, op);
            int to = classes.classOf(newSize);
            boolean inPlace = switch (l.kind) {
                case ITEM -> to == space.table(l.segment, l.block).u8(l.chunk, ChunkTable.CLASS);
                case CHUNK_RUN -> to >= 0 && to == space.table(l.segment, l.block).u8(l.chunk, ChunkTable.CLASS);
                case BLOCK_RUN -> to >= 0 && to == space.blocks.u8(l.segment, l.block, BlockRecords.CLASS);
                case MAPPING -> mappingBytes(newSize) == space.mappings.containing(l.address).size()
                        && (to < 0 || newSize > config.regionBytes());
            };
            if (!inPlace) {
                return Moves.byCopy(this, block, newSize); // under the lock: close waits for the copy
            }
            liveBytes += newSize - oldSize;
            return MemorySegment.ofAddress(block.address()).reinterpret(newSize);
        });
    }

    // ------------------------------------------------------------------ queries

    @Override
    public long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        return locked(op, () -> {
            Optional<BlockInfo> info = ownerOf(block.address());
            if (info.isEmpty() || info.get().start() != block.address()) {
                requireLive(block.address(), Math.max(1, block.byteSize()), op); // names what is there
                throw notLive(op, "no live block starts here");
            }
            return info.get().usableSize();
        });
    }

    @Override
    public Optional<BlockInfo> owner(long address) {
        return locked("owner(address=0x" + Long.toHexString(address) + ")", () -> ownerOf(address));
    }

    private Optional<BlockInfo> ownerOf(long address) {
        long offset = address - space.main.base();
        if (offset < 0 || offset >= space.main.size()) {
            Reservation r = space.mappings.containing(address);
            return r == null ? Optional.empty() : Optional.of(new BlockInfo(r.base(), r.size(),
                    classes.classOf(r.size()) >= 0 && classes.size(classes.classOf(r.size())) == r.size()
                            ? classes.classOf(r.size()) : -1));
        }
        int s = (int) (offset >>> config.segmentShift());
        int r = (int) (offset >>> config.regionShift()) & (config.regionsPerSegment() - 1);
        int b = (int) (offset >>> 20) & (config.blocksPerSegment() - 1);
        int k = (int) (offset >>> 12) & 255;
        long base = space.main.base();
        switch (space.regions.type(s, r)) {
            case RegionRecords.ITEMS -> {
                if (space.blocks.state(s, b) != BlockRecords.ITEMS) {
                    return Optional.empty();
                }
                ChunkTable t = space.table(s, b);
                if (t.state(k) != ChunkTable.ITEMS) {
                    return Optional.empty();
                }
                int c = t.u8(k, ChunkTable.CLASS);
                long itemSize = classes.size(c);
                long chunk = items.chunkOffset(s, b, k);
                int i = (int) ((offset - chunk) / itemSize);
                return items.elements(t, k, ItemChunks.capacity(classes, c)).get(i)
                        ? Optional.of(new BlockInfo(base + chunk + i * itemSize, itemSize, c)) : Optional.empty();
            }
            case RegionRecords.CHUNK_RUNS -> {
                if (space.blocks.state(s, b) != BlockRecords.CHUNK_RUNS) {
                    return Optional.empty();
                }
                ChunkTable t = space.table(s, b);
                int head = chunkRuns.headOf(t, k);
                if (head < 0) {
                    return Optional.empty();
                }
                int served = t.u8(head, ChunkTable.CLASS);
                return Optional.of(new BlockInfo(base + chunkRuns.offset(s, b, head),
                        (long) t.u16(head, ChunkTable.COUNT) << 12, served));
            }
            case RegionRecords.BLOCK_RUNS -> {
                int head = blockRuns.headOf(s, b);
                if (head < 0) {
                    return Optional.empty();
                }
                return Optional.of(new BlockInfo(base + blockRuns.offset(s, head),
                        (long) space.blocks.word(s, head) << 20, space.blocks.u8(s, head, BlockRecords.CLASS)));
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    /**
     * Where a live block is: {@code segment/region/block/chunk/item} for an item, {@code segment/region/block/run}
     * for a run of chunks (indexed by its first chunk), {@code segment/region/run} for a run of blocks (by its first
     * block), {@code mapping} above a region.
     */
    @Override
    public Optional<Placement> placement(long address) {
        return locked("placement(address=0x" + Long.toHexString(address) + ")", () -> ownerOf(address).map(info -> {
            long offset = info.start() - space.main.base();
            if (offset < 0 || offset >= space.main.size()) {
                return new Placement(List.of(new Placement.Level("mapping", 0, info.start(), info.usableSize())));
            }
            long base = space.main.base();
            int s = (int) (offset >>> config.segmentShift());
            long segStart = base + ((long) s << config.segmentShift());
            int r = (int) (offset >>> config.regionShift()) & (config.regionsPerSegment() - 1);
            long regStart = segStart + ((long) r << config.regionShift());
            List<Placement.Level> levels = new ArrayList<>();
            levels.add(new Placement.Level("segment", s, segStart, config.segmentBytes()));
            levels.add(new Placement.Level("region", r, regStart, config.regionBytes()));
            int bInRegion = (int) (offset >>> 20) & (config.blocksPerRegion() - 1);
            long blockStart = regStart + ((long) bInRegion << 20);
            int k = (int) (offset >>> 12) & 255;
            long chunkStart = blockStart + ((long) k << 12);
            switch (space.regions.type(s, r)) {
                case RegionRecords.ITEMS -> {
                    levels.add(new Placement.Level("block", bInRegion, blockStart, ChunkClasses.BLOCK));
                    levels.add(new Placement.Level("chunk", k, chunkStart, ChunkClasses.CHUNK,
                            ChunkClasses.CHUNK / info.usableSize()));
                    levels.add(new Placement.Level("item", (info.start() - chunkStart) / info.usableSize(),
                            info.start(), info.usableSize()));
                }
                case RegionRecords.CHUNK_RUNS -> {
                    levels.add(new Placement.Level("block", bInRegion, blockStart, ChunkClasses.BLOCK));
                    levels.add(new Placement.Level("run", k, info.start(), info.usableSize()));
                }
                default -> levels.add(new Placement.Level("run", bInRegion, info.start(), info.usableSize()));
            }
            return new Placement(levels);
        }));
    }

    @Override
    public boolean owns(long address, long length) {
        return locked("owns(address=0x" + Long.toHexString(address) + ", length=" + length + ")", () -> {
            if (length < 0) {
                return false;
            }
            if (space.main.contains(address, Math.max(1, length))) {
                return true;
            }
            Reservation r = space.mappings.containing(address);
            return r != null && r.contains(address, Math.max(1, length));
        });
    }

    @Override
    public List<AddressRange> reservedRanges() {
        return locked("reservedRanges()", space::ranges);
    }

    /**
     * Idle, the design keeps: the init arena (all of it, committed at start-up), the FSA's own records (kept once
     * grown), each item class's spare chunk (4 KiB) and, for the spares' metadata (chunk tables, element and block
     * binmaps: four item sizes at most), four FSA blocks.
     */
    @Override
    public long idleCommittedBound() {
        return locked("idleCommittedBound()", () -> {
            int spares = space.spareCount();
            return space.init.committed() + space.fsa.metadataCommitted()
                    + (spares > 0 ? 4L * ChunksSpace.FSA_BLOCK : 0) + spares * ChunkClasses.CHUNK;
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
        return locked("stats()", () -> new Stats(space.reservedBytes(), space.committedBytes(), liveBytes, liveCount));
    }

    /** What the allocator holds, for the design's own properties (take it with no operation in flight). */
    public record Census(long dataCommitted, long initCommitted, long fsaCommitted, long fsaItems, int spares,
            long mappings) {}

    /** The allocator's commits and metadata now. */
    public Census census() {
        return locked("census()", () -> new Census(space.committedMain(), space.init.committed(),
                space.fsa.committedBytes(), java.util.Arrays.stream(space.fsa.liveItems()).sum(), space.spareCount(), space.mappings.count()));
    }

    /** Runs {@code body} on the allocator's internals under its lock, for tests in this package. */
    <T> T inspect(java.util.function.Function<ChunksSpace, T> body) {
        return locked("inspect()", () -> body.apply(space));
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                space.close();
            }
        } finally {
            lock.unlock();
        }
    }

    private <T> T locked(String op, Supplier<T> body) {
        lock.lock();
        try {
            if (closed) {
                throw new AllocatorClosedException(descriptor.id(), op, "the allocator is closed");
            }
            return body.get();
        } finally {
            lock.unlock();
        }
    }
}
