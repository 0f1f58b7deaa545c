package io.vakit.design.sized;

import io.vakit.design.InjectedFaults;
import io.vakit.spi.InjectedFault;
import io.vakit.ds.CloseGate;
import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import io.vakit.pal.VirtualMemoryException;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.AllocatorClosedException;
import io.vakit.spi.BlockInfo;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.FamilyAllocator;
import io.vakit.spi.InvalidFamilyException;
import io.vakit.spi.InvalidAlignmentException;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.InvalidSizeException;
import io.vakit.spi.Placement;
import io.vakit.spi.Requests;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Seed 003's allocator: sized frees and no per-allocation metadata. Classes are the powers of two from 1 to 8192
 * bytes; each (family, class) has its own blocks behind its own lock; a block is aligned to its power-of-two size,
 * so a pointer's block is {@code address & -blockSize}; a block's header is padded to the slot size, so every slot
 * is aligned to its size, which gives the seed's alignment guarantee. Larger requests get their own mapping.
 *
 * <p>The seed's API maps onto the SPI as: {@code Malloc(size)} = {@link #allocate(long)}, {@code Calloc} =
 * {@link #allocateZeroed(long)}, {@code Free(ptr, size)} = {@link #free(MemorySegment)} (a segment carries its
 * size), {@code Remalloc} = {@link #reallocate}, {@code Recalloc} = {@link #reallocateZeroedIn}. Each has an
 * {@code ...In(family, ...)} form that takes a family (the seed's second dimension); the SPI forms use family 0.
 * (The family forms have their own names so that {@code allocate(16, 8)} can never mean "family 16".)
 */
public final class SizedAllocator implements FamilyAllocator {
    /**
     * How an allocator is built.
     *
     * @param config the block size of each class
     * @param families how many families (lifetimes, kinds) there are
     * @param policy when an emptied block is released
     * @param vm where address space comes from (a fault plan can be behind it)
     * @param budget the most address space the allocator may reserve
     */
    public record Options(SizedConfig config, int families, ReleasePolicy policy, VirtualMemory vm, long budget) {
        /** Validates. */
        public Options {
            if (families < 1 || families > 256) {
                throw new IllegalArgumentException("families=" + families + ": must be 1 to 256");
            }
            if (budget <= 0) {
                throw new IllegalArgumentException("budget=" + budget + ": must be positive");
            }
        }

        /** The seed's defaults, 4 families, and a 1 TiB budget. */
        public static Options defaults() {
            return new Options(SizedConfig.defaults(), 4, ReleasePolicy.SEED, VirtualMemory.system(), 1L << 40);
        }

        /** The same options with another budget. */
        public Options withBudget(long newBudget) {
            return new Options(config, families, policy, vm, newBudget);
        }

        /** The same options with another release policy. */
        public Options withPolicy(ReleasePolicy newPolicy) {
            return new Options(config, families, newPolicy, vm, budget);
        }

        /** The same options with another virtual memory. */
        public Options withVm(VirtualMemory newVm) {
            return new Options(config, families, policy, newVm, budget);
        }
    }

    private static final SizedClasses CLASSES = new SizedClasses();

    private final DesignDescriptor descriptor;
    private final Options options;
    private final BlockHeap[][] heaps;
    private final long[] blockSizes; // the distinct block sizes, each looked up once per address
    private final SizedSpace space;
    private final ConcurrentSkipListMap<Long, Reservation> large = new ConcurrentSkipListMap<>();
    private final Set<Long> freedLarge = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Map<Long, Integer> largeFamily = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong liveCount = new AtomicLong();
    /** Every operation passes it; close shuts it once the operations inside have left. */
    private final CloseGate gate = new CloseGate();

    /** An allocator with {@code options}, following {@code descriptor}. */
    public SizedAllocator(DesignDescriptor descriptor, Options options) {
        this.descriptor = descriptor;
        this.options = new Options(options.config(), options.families(), options.policy(),
                VirtualMemory.ownFaults(options.vm()), options.budget()); // faults injected into it land here alone
        this.space = new SizedSpace(descriptor.id(), this.options.vm(), options.policy(), options.budget());
        this.heaps = new BlockHeap[options.families()][SizedClasses.COUNT];
        for (int f = 0; f < options.families(); f++) {
            for (int c = 0; c < SizedClasses.COUNT; c++) {
                heaps[f][c] = new BlockHeap(f, c, options.config().layout(c));
            }
        }
        this.blockSizes = java.util.Arrays.stream(heaps[0]).mapToLong(h -> h.layout.blockSize()).distinct().toArray();
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    // ------------------------------------------------------------------ allocate

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        enter(op);
        try {
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
            if (byteAlignment > SizedClasses.alignmentFor(byteSize)) {
                throw new InvalidAlignmentException(descriptor.id(), op, "alignment " + byteAlignment
                        + " is above the natural alignment " + SizedClasses.alignmentFor(byteSize) + " of " + byteSize
                        + " bytes; allocate max(size, alignment) bytes instead (allocateAligned)");
            }
            return allocate(0, byteSize, op);
        } finally {
            gate.exit();
        }
    }

    /** The seed's {@code Malloc(size)} in {@code family}. */
    @Override
    public MemorySegment allocateIn(int family, long byteSize) {
        String op = "allocate(family=" + family + ", size=" + byteSize + ")";
        enter(op);
        try {
            checkFamily(op, family);
            Requests.checkSize(descriptor, op, byteSize);
            return allocate(family, byteSize, op);
        } finally {
            gate.exit();
        }
    }

    /**
     * The seed's {@code posix_memalign}: allocates {@code max(size, alignment)} bytes, whose class is aligned to
     * the alignment. The segment returned has that size, and is freed with it.
     */
    public MemorySegment allocateAligned(long byteSize, long byteAlignment) {
        String op = "allocateAligned(size=" + byteSize + ", alignment=" + byteAlignment + ")";
        enter(op);
        try {
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
            return allocate(0, Math.max(byteSize, byteAlignment), op);
        } finally {
            gate.exit();
        }
    }

    private MemorySegment allocate(int family, long size, String op) {
        long address;
        if (size > SizedClasses.MAX_CLASS) {
            address = mapLarge(family, size, op);
        } else {
            address = heaps[family][CLASSES.classOf(size)].allocate(space, op);
        }
        liveBytes.addAndGet(size);
        liveCount.incrementAndGet();
        return MemorySegment.ofAddress(address).reinterpret(size);
    }

    private long mapLarge(int family, long size, String op) {
        long bytes = SizedSpace.pageRound(size);
        space.claim(bytes, op);
        try {
            Reservation r = options.vm().reserve(bytes);
            r.commit(0, bytes);
            largeFamily.put(r.base(), family);
            large.put(r.base(), r);
            freedLarge.remove(r.base());
            return r.base();
        } catch (VirtualMemoryException e) {
            space.unclaim(bytes);
            throw new AddressSpaceExhaustedException(descriptor.id(), op, "no address space for a " + bytes
                    + "-byte mapping: " + e.getMessage(), e);
        }
    }

    @Override
    public MemorySegment allocateZeroed(long byteSize) {
        return allocateZeroedIn(0, byteSize);
    }

    /** The seed's {@code Calloc(size)} in {@code family}. */
    public MemorySegment allocateZeroedIn(int family, long byteSize) {
        return allocateIn(family, byteSize).fill((byte) 0);
    }

    // ------------------------------------------------------------------ free

    @Override
    public void free(MemorySegment block) {
        freeIn(0, block);
    }

    /**
     * The seed's {@code Free(ptr, size)} in {@code family}; the segment's size is the size.
     *
     * @throws InvalidFreeException for anything but a live block of that family and size class
     */
    @Override
    public void freeIn(int family, MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize()) + (family == 0 ? "" : " in family "
                + family);
        enter(op);
        try {
            checkFamily(op, family);
            long size = block.byteSize();
            if (size < 1) {
                throw new InvalidSizeException(descriptor.id(), op, "size " + size + " is below 1");
            }
            release(family, block.address(), size, op);
            liveBytes.addAndGet(-size);
            liveCount.decrementAndGet();
        } finally {
            gate.exit();
        }
    }

    private void release(int family, long address, long size, String op) {
        if (size > SizedClasses.MAX_CLASS) {
            Reservation r = large.get(address);
            if (r == null || r.size() != SizedSpace.pageRound(size) || !Integer.valueOf(family).equals(largeFamily.get(address))) {
                throw refusal(family, address, size, op);
            }
            freedLarge.add(address); // first: a free racing this one, that finds the mapping gone, says DOUBLE
            if (large.remove(address, r)) {
                largeFamily.remove(address);
                r.close();
                space.unclaim(r.size());
                return;
            }
            throw refusal(family, address, size, op);
        }
        int cls = CLASSES.classOf(size);
        BlockHeap heap = heaps[family][cls];
        SizedBlock b = space.block(address & -heap.layout.blockSize());
        if (b == null || b.family != family || b.cls != cls) {
            throw refusal(family, address, size, op);
        }
        heap.free(space, b, address, op, descriptor.id());
    }

    /** Says exactly what is wrong with a free that did not find its block. Nothing changes. */
    private InvalidFreeException refusal(int family, long address, long size, String op) {
        String id = descriptor.id();
        SizedBlock b = containingBlock(address);
        if (b != null) {
            BlockHeap heap = heaps[b.family][b.cls];
            long index = b.slotIndex(address);
            if (index < 0) {
                long inside = b.containingSlot(address);
                boolean interior = inside >= 0 && heap.isLive(b, inside);
                return new InvalidFreeException(id, op, interior ? Reason.INTERIOR : Reason.UNKNOWN,
                        "not a slot start of the " + b.layout.slot() + "-byte block at 0x" + Long.toHexString(b.base()));
            }
            Reason free = heap.freeSlotReason(b, index);
            if (free != null) {
                return new InvalidFreeException(id, op, free, "slot " + index + " of the " + b.layout.slot()
                        + "-byte block at 0x" + Long.toHexString(b.base()) + " is free");
            }
            if (b.family != family) {
                return new InvalidFreeException(id, op, Reason.UNKNOWN, "the block at 0x" + Long.toHexString(b.base())
                        + " belongs to family " + b.family);
            }
            return new InvalidFreeException(id, op, Reason.WRONG_SIZE, "size " + size + " is of class "
                    + classText(size) + ", but the block at 0x" + Long.toHexString(b.base()) + " holds "
                    + b.layout.slot() + "-byte slots");
        }
        Map.Entry<Long, Reservation> m = large.floorEntry(address);
        if (m != null && address < m.getKey() + m.getValue().size()) {
            Integer owner = largeFamily.get(m.getKey());
            if (address == m.getKey() && owner != null && owner != family) {
                return new InvalidFreeException(id, op, Reason.UNKNOWN, "the mapping at 0x"
                        + Long.toHexString(address) + " belongs to family " + owner);
            }
            return address == m.getKey()
                    ? new InvalidFreeException(id, op, Reason.WRONG_SIZE, "size " + size + " does not match the "
                            + m.getValue().size() + "-byte mapping at this address")
                    : new InvalidFreeException(id, op, Reason.INTERIOR, "inside the mapping at 0x"
                            + Long.toHexString(m.getKey()));
        }
        if (freedLarge.contains(address)) {
            return new InvalidFreeException(id, op, Reason.DOUBLE, "the mapping at this address was already freed");
        }
        if (space.recentlyReleased(address)) {
            return new InvalidFreeException(id, op, Reason.UNKNOWN, "the address is in a block released after it"
                    + " emptied");
        }
        return new InvalidFreeException(id, op, Reason.FOREIGN, "no block or mapping of this allocator holds it");
    }

    private static String classText(long size) {
        return size > SizedClasses.MAX_CLASS ? "large (own mapping)" : String.valueOf(
                CLASSES.size(CLASSES.classOf(size)));
    }

    /** The block of any family and class whose range holds {@code address}, or null. */
    private SizedBlock containingBlock(long address) {
        for (long blockSize : blockSizes) {
            SizedBlock b = space.block(address & -blockSize);
            if (b != null && address - b.base() < b.layout.blockSize()) {
                return b;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ realloc

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        return reallocate(0, block, newSize, false);
    }

    /** The seed's {@code Remalloc(ptr, old, new)} in {@code family}. */
    @Override
    public MemorySegment reallocateIn(int family, MemorySegment block, long newSize) {
        return reallocate(family, block, newSize, false);
    }

    /** The seed's {@code Recalloc(ptr, old, new)}: {@link #reallocate}, and the grown tail reads zero. */
    public MemorySegment reallocateZeroedIn(int family, MemorySegment block, long newSize) {
        return reallocate(family, block, newSize, true);
    }

    private MemorySegment reallocate(int family, MemorySegment block, long newSize, boolean zero) {
        long oldSize = block.byteSize();
        String op = Requests.onBlock("reallocate", block.address(), oldSize) + "->" + newSize;
        enter(op);
        try {
            checkFamily(op, family);
            Requests.checkSize(descriptor, op, newSize);
            requireLive(family, block.address(), oldSize, op);
            MemorySegment result;
            if (oldSize <= SizedClasses.MAX_CLASS && newSize <= SizedClasses.MAX_CLASS
                    && CLASSES.classOf(oldSize) == CLASSES.classOf(newSize)) {
                liveBytes.addAndGet(newSize - oldSize);
                result = MemorySegment.ofAddress(block.address()).reinterpret(newSize); // same class: same pointer
            } else {
                result = allocate(family, newSize, op);
                MemorySegment.copy(block, 0, result, 0, Math.min(oldSize, newSize));
                release(family, block.address(), oldSize, op);
                liveBytes.addAndGet(-oldSize);
                liveCount.decrementAndGet();
            }
            if (zero && newSize > oldSize) {
                result.asSlice(oldSize).fill((byte) 0);
            }
            return result;
        } finally {
            gate.exit();
        }
    }

    private void requireLive(int family, long address, long size, String op) {
        Optional<BlockInfo> owner = owner(address);
        int cls = size > SizedClasses.MAX_CLASS ? -1 : CLASSES.classOf(size);
        boolean ok = owner.isPresent() && owner.get().start() == address && owner.get().sizeClass() == cls
                && (cls >= 0 ? containingBlock(address).family == family
                        : owner.get().usableSize() == SizedSpace.pageRound(size)
                                && Integer.valueOf(family).equals(largeFamily.get(address)));
        if (!ok) {
            throw refusal(family, address, size, op);
        }
    }

    // ------------------------------------------------------------------ queries

    @Override
    public long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        enter(op);
        try {
            Optional<BlockInfo> info = owner(block.address());
            if (info.isEmpty() || info.get().start() != block.address()) {
                throw refusal(0, block.address(), block.byteSize(), op);
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
            SizedBlock b = containingBlock(address);
            if (b != null) {
                long index = b.containingSlot(address);
                if (index >= 0 && heaps[b.family][b.cls].isLive(b, index)) {
                    return Optional.of(new BlockInfo(b.base() + b.layout.slotOffset(index), b.layout.slot(), b.cls));
                }
                return Optional.empty();
            }
            Map.Entry<Long, Reservation> m = large.floorEntry(address);
            if (m != null && address < m.getKey() + m.getValue().size()) {
                return Optional.of(new BlockInfo(m.getKey(), m.getValue().size(), -1));
            }
            return Optional.empty();
        } finally {
            gate.exit();
        }
    }

    /** The block and slot of a class, or the mapping of a large block: {@code block/slot} or {@code mapping}. */
    @Override
    public Optional<Placement> placement(long address) {
        enter("placement(address=0x" + Long.toHexString(address) + ")");
        try {
            Optional<BlockInfo> info = owner(address);
            if (info.isEmpty()) {
                return Optional.empty();
            }
            long start = info.get().start();
            SizedBlock b = containingBlock(start);
            if (b == null) {
                return Optional.of(new Placement(List.of(new Placement.Level("mapping", 0, start, info.get().usableSize()))));
            }
            long slot = b.layout.slot();
            return Optional.of(new Placement(List.of(new Placement.Level("block", 0, b.base(), b.layout.blockSize(), b.layout.capacity()),
                    new Placement.Level("slot", b.containingSlot(start), start, slot))));
        } finally {
            gate.exit();
        }
    }

    @Override
    public boolean owns(long address, long length) {
        enter("owns(address=0x" + Long.toHexString(address) + ", length=" + length + ")");
        try {
            SizedBlock b = containingBlock(address);
            if (b != null) {
                return b.space.contains(address, length);
            }
            Map.Entry<Long, Reservation> m = large.floorEntry(address);
            return m != null && m.getValue().contains(address, length);
        } finally {
            gate.exit();
        }
    }

    @Override
    public void injectFault(InjectedFault kind, int skip) {
        InjectedFaults.inject(options.vm(), kind, skip);
    }

    @Override
    public void clearFaults() {
        InjectedFaults.clear(options.vm());
    }

    @Override
    public long faultsFired(InjectedFault kind) {
        return InjectedFaults.fired(options.vm(), kind);
    }

    @Override
    public Stats stats() {
        enter("stats()");
        try {
            long r = space.reserved();
            return new Stats(r, r, liveBytes.get(), liveCount.get());
        } finally {
            gate.exit();
        }
    }

    /**
     * The idle rule of spec/sized.md: with the seed's policy, each (family, class) heap used so far keeps at most one
     * empty block (and its live-slot binmap); large blocks keep nothing. IMMEDIATE keeps nothing; NEVER has no bound.
     */
    @Override
    public long idleCommittedBound() {
        enter("idleCommittedBound()");
        try {
            return switch (options.policy()) {
                case NEVER -> Long.MAX_VALUE;
                case IMMEDIATE -> 0;
                case SEED -> java.util.Arrays.stream(heaps).flatMap(java.util.Arrays::stream).filter(h -> h.used)
                        .mapToLong(h -> SizedSpace.blockBytes(h.layout)).sum();
            };
        } finally {
            gate.exit();
        }
    }

    @Override
    public List<io.vakit.spi.AddressRange> reservedRanges() {
        enter("reservedRanges()");
        try {
            List<io.vakit.spi.AddressRange> out = space.ranges();
            large.values().forEach(r -> out.add(new io.vakit.spi.AddressRange(r.base(), r.size())));
            return out;
        } finally {
            gate.exit();
        }
    }

    /** The seed's counters: live slots and blocks of every (family, class). */
    public List<ClassCounters> counters() {
        enter("counters()");
        try {
            List<ClassCounters> out = new ArrayList<>();
            for (BlockHeap[] family : heaps) {
                for (BlockHeap h : family) {
                    out.add(new ClassCounters(h.family, h.layout.slot(), h.liveSlots(), h.blocks()));
                }
            }
            return out;
        } finally {
            gate.exit();
        }
    }

    /** The number of families. */
    @Override
    public int families() {
        return heaps.length;
    }

    @Override
    public void close() {
        gate.close(() -> {
            for (var it = space.all(); it.hasNext(); ) {
                SizedBlock b = it.next();
                b.live.close();
                b.space.close();
            }
            space.clear();
            large.values().forEach(Reservation::close);
            large.clear();
            largeFamily.clear();
        });
    }

    /** Enters the close gate for {@code op}; pair with {@code gate.exit()}. */
    private void enter(String op) {
        if (!gate.enter()) {
            throw new AllocatorClosedException(descriptor.id(), op, "the allocator is closed");
        }
    }

    private void checkFamily(String op, int family) {
        if (family < 0 || family >= heaps.length) {
            throw new InvalidFamilyException(descriptor.id(), op, "family " + family + " is not in 0.."
                    + (heaps.length - 1));
        }
    }
}
