package io.vakit.kit.broken;

import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import io.vakit.pal.VirtualMemoryException;
import io.vakit.spi.AddressRange;
import io.vakit.spi.AddressSpaceExhaustedException;
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
import io.vakit.spi.SizeClassTable;
import io.vakit.spi.Stats;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small slab allocator written the way an outside author would write one, to try the kit on: 64 KiB pages of one
 * class each (16 B to 4 KiB, powers of two) cut from one reservation, a bump index and a free list per page, a list
 * of the pages of each class that have room (a full page leaves it and comes back on its first free), an empty page
 * given back (its physical pages dropped) when its class has another with room (so, idle, each class keeps one), and
 * its own mapping for anything larger. The whole page range is committed once, so that a planted bug that strays
 * into a free page corrupts memory the kit can see instead of crashing the test JVM; {@code committedBytes} counts
 * the pages in use.
 *
 * <p>Thread-safe as written, the way slab allocators usually are: one lock per class guards the class's list and
 * every page of the class; the page pool has a lock of its own (taken inside a class lock, never the other way
 * round), and so do the large mappings; the live counters are atomic. {@code PlantedBugsTest} shows it passes the
 * kit, and {@code PlantedRacesTest} that it passes the concurrency checks. Each planted bug ({@link PlantedBugs},
 * {@link PlantedRaces}) overrides one hook.
 */
class ToySlabAllocator implements Allocator {
    static final long PAGE = 64 * 1024;
    static final long MIN_CLASS = 16;
    static final long MAX_CLASS = 4096;
    static final int CLASSES = 9;
    /** Pages of the normal configuration (256 MiB) and of the small one (1 MiB). */
    static final int PAGES = 4096;
    static final int SMALL_PAGES = 16;
    /** The largest block, and the most its own mappings may hold at once (normal, small). */
    static final long MAX_BLOCK = 1L << 30;
    static final long LARGE_BUDGET = 64L << 30;
    static final long SMALL_LARGE_BUDGET = 1L << 20;

    /** The class of each 16-byte granule of a size, (size + 15) / 16: one entry spare for the rounding. */
    private static final byte[] CLASS_OF_GRANULE = new byte[(int) (MAX_CLASS / 16) + 2];

    static {
        for (int g = 0; g < CLASS_OF_GRANULE.length; g++) {
            long size = Math.max(1, Math.min(MAX_CLASS, g * 16L));
            CLASS_OF_GRANULE[g] = (byte) (size <= MIN_CLASS ? 0 : 64 - Long.numberOfLeadingZeros(size - 1) - 4);
        }
    }

    /** The table: 16 B to 4 KiB. */
    static final SizeClassTable TABLE = new SizeClassTable() {
        @Override
        public int count() {
            return CLASSES;
        }

        @Override
        public long size(int c) {
            return MIN_CLASS << c;
        }

        @Override
        public int classOf(long size) {
            return size > MAX_CLASS ? -1 : size <= MIN_CLASS ? 0 : 64 - Long.numberOfLeadingZeros(size - 1) - 4;
        }
    };

    /**
     * The features the toy declares to the sequential checks. The planted sequential bugs keep these: declared
     * thread-safe, their single-thread bugs (a slot bumped past its page) would also be met by the soak's threads.
     */
    static EnumSet<Feature> features() {
        return EnumSet.of(Feature.REALLOC, Feature.REALLOC_IN_PLACE, Feature.USABLE_SIZE, Feature.OWNER_LOOKUP,
                Feature.SIZE_CLASSES, Feature.CONTAINMENT, Feature.FOOTPRINT, Feature.IDLE_BOUND, Feature.SMALL_CONFIGURATION,
                Feature.INVALID_FREE_DETECTION, Feature.SIZED_FREE_CHECK, Feature.PLACEMENT, Feature.FAULT_INJECTION,
                Feature.EXACT_REASONS);
    }

    /** The same, declared thread-safe: the toy as written, and its planted races. */
    static EnumSet<Feature> threadSafeFeatures() {
        EnumSet<Feature> f = features();
        f.add(Feature.THREAD_SAFE);
        return f;
    }

    /** A descriptor of the toy under {@code id}, with {@code features}. */
    static DesignDescriptor descriptor(String id, String title, EnumSet<Feature> features) {
        return new DesignDescriptor(id, title, features.contains(Feature.SIZE_CLASSES) ? TABLE : null,
                ToySlabAllocator::alignmentFor, MAX_CLASS, MAX_BLOCK, features);
    }

    static long alignmentFor(long size) {
        return size > MAX_CLASS ? MAX_CLASS : Math.max(MIN_CLASS, Long.highestOneBit(Math.max(1, size - 1)) << 1);
    }

    /**
     * One page: a bump index, a free list (links on the heap), the live slots, and whether it is listed. Every field
     * that changes is guarded by the lock of the page's class.
     */
    static final class Page {
        final int index;
        final int cls;
        final long base;
        final long slot;
        final int capacity;
        final int[] next;
        final BitSet live = new BitSet();
        int bump;
        int freeHead = -1;
        /** The heap the page serves, for a variant with a heap per thread ({@link #made}); 0 otherwise. */
        int heap;
        int count;
        boolean listed;

        Page(int index, int cls, long base, long slot) {
            this.index = index;
            this.cls = cls;
            this.base = base;
            this.slot = slot;
            this.capacity = (int) (PAGE / slot);
            this.next = new int[capacity];
        }

        long slotAddress(int i) {
            return base + i * slot;
        }
    }

    private final DesignDescriptor descriptor;
    private final Reservation space;
    private final Object[] classLocks = new Object[CLASSES];
    private final List<List<Page>> partial = new ArrayList<>();
    /** The page at each index; written under the pool lock, read anywhere. */
    private final AtomicReferenceArray<Page> pages;
    private final Object poolLock = new Object();
    private final TreeSet<Integer> freePages = new TreeSet<>();
    private long pagesInUse;
    private int classesUsed; // a bit per class that has had a page
    final Object largeLock = new Object();
    final TreeMap<Long, Reservation> large = new TreeMap<>();
    private final Set<Long> freedLarge = new HashSet<>();
    private final long largeBudget;
    long largeBytes;
    final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong liveCount = new AtomicLong();
    /** Every call passes it; close shuts it once the calls inside have left. */
    private final io.vakit.ds.CloseGate gate = new io.vakit.ds.CloseGate();
    /** Where the large mappings come from: the fault seam of {@link #injectFault}. */
    final VirtualMemory vm = VirtualMemory.ownFaults(VirtualMemory.system());

    ToySlabAllocator(DesignDescriptor descriptor, boolean small) {
        this(descriptor, small, SMALL_PAGES, false);
    }

    /**
     * The toy with {@code smallPages} pages in its small configuration, and with one lock for every class when
     * {@code oneLock} (for a variant whose lists span the classes).
     */
    ToySlabAllocator(DesignDescriptor descriptor, boolean small, int smallPages, boolean oneLock) {
        this.descriptor = descriptor;
        int n = small ? smallPages : PAGES;
        this.largeBudget = small ? SMALL_LARGE_BUDGET : LARGE_BUDGET;
        this.space = VirtualMemory.system().reserve(n * PAGE, PAGE);
        this.space.commit(0, n * PAGE); // committed once: an untouched page costs no memory
        this.pages = new AtomicReferenceArray<>(n);
        for (int i = 0; i < n; i++) {
            freePages.add(i);
        }
        Object shared = new Object();
        for (int c = 0; c < CLASSES; c++) {
            partial.add(new ArrayList<>());
            classLocks[c] = oneLock ? shared : new Object();
        }
    }

    @Override
    public DesignDescriptor descriptor() {
        return descriptor;
    }

    // ------------------------------------------------------------------ hooks a planted bug overrides

    /** True when {@code size} gets its own mapping. */
    protected boolean large(long size) {
        return size > MAX_CLASS;
    }

    /** The class of a small size, from the granule table. */
    protected int classOf(long size) {
        return CLASS_OF_GRANULE[(int) ((size + 15) >>> 4)];
    }

    /** Takes a slot of class {@code cls} for a block of {@code size} bytes and counts it live. */
    protected long allocateSmall(int cls, long size, String op) {
        synchronized (lockOf(cls)) {
            long a = take(cls, op);
            count(size);
            return a;
        }
    }

    /** Frees slot {@code index} of {@code p}, a block of {@code size} bytes, after checking it is a live block. */
    protected void freeSmall(Page p, int index, long size, String op) {
        synchronized (lockOf(p.cls)) {
            checkLive(p, index, size, op);
            freeSlot(p, index, size);
        }
    }

    /** Puts slot {@code index} of {@code p} back; a page that was full goes back on its class's list. */
    protected void pushFree(Page p, int index, boolean wasFull) {
        p.next[index] = p.freeHead;
        p.freeHead = index;
        if (wasFull) {
            link(p);
        }
    }

    /**
     * Gives an empty page back to the pool, its physical pages dropped first (the class lock is held): once the pool
     * has the page, another class may carve it at once, and dropping its pages then would wipe that class's data.
     */
    protected void releasePage(Page p) {
        unlink(p);
        dropPages(p);
        synchronized (poolLock) {
            pages.set(p.index, null);
            returnToPool(p.index);
            pagesInUse--;
        }
    }

    /** Makes page {@code index}, just given back, free for any class again (the pool lock is held). */
    protected void returnToPool(int index) {
        freePages.add(index);
    }

    /** The lowest free page of the pool, taken, or null when none is left (the pool lock is held). */
    protected Integer takeFromPool() {
        return freePages.pollFirst();
    }

    /** True when no page above {@code index} is in use (the pool lock is held). */
    final boolean topmost(int index) {
        for (int j = index + 1; j < pages.length(); j++) {
            if (pages.get(j) != null) {
                return false;
            }
        }
        return true;
    }

    /** Drops the physical pages of a page given back. */
    protected void dropPages(Page p) {
        space.reset(p.index * PAGE, PAGE);
    }

    /** Releases the own mappings of large blocks, at close. */
    protected void closeMappings() {
        synchronized (largeLock) {
            large.values().forEach(Reservation::close);
            large.clear();
        }
    }

    /** The bytes of a slot of class {@code cls}: its class size (so the slots fill the page exactly). */
    protected long slotBytes(int cls) {
        return MIN_CLASS << cls;
    }

    /** The slot of {@code p} that offset {@code offset} into the page falls in (past the last one in a tail). */
    protected int slotIndex(Page p, long offset) {
        return (int) (offset / p.slot);
    }

    /**
     * The reason a free inside slot {@code index} of {@code p}, past its start, is refused: INTERIOR inside a live
     * slot; inside a free one, UNKNOWN (a stale address of the class that had the page before, say).
     */
    protected Reason offSlotStart(Page p, int index) {
        synchronized (lockOf(p.cls)) {
            return p.live.get(index) ? Reason.INTERIOR : Reason.UNKNOWN;
        }
    }

    /** The usable size of a live slot. */
    protected long usable(Page p) {
        return p.slot;
    }

    /** The list of pages with room that serves class {@code cls} to the calling thread (its class lock is held). */
    protected List<Page> listFor(int cls) {
        return partial.get(cls);
    }

    /** The list of pages with room that page {@code p} belongs on (its class lock is held). */
    protected List<Page> listOf(Page p) {
        return partial.get(p.cls);
    }

    /** Called on a page just carved from the pool, before it serves a slot (the class and pool locks are held). */
    protected void made(Page p) {}

    /** Called on a page whose last live slot was just freed, given back or kept (its class lock is held). */
    protected void emptied(Page p) {}

    // ------------------------------------------------------------------ what the hooks use

    final Object lockOf(int cls) {
        return classLocks[cls];
    }

    final void count(long size) {
        liveBytes.addAndGet(size);
        liveCount.incrementAndGet();
    }

    final void uncount(long size) {
        liveBytes.addAndGet(-size);
        liveCount.decrementAndGet();
    }

    /** Puts {@code p} first on its class's list (the class lock is held). */
    final void link(Page p) {
        if (!p.listed) {
            listOf(p).add(0, p);
            p.listed = true;
        }
    }

    final void unlink(Page p) {
        if (p.listed) {
            listOf(p).remove(p);
            p.listed = false;
        }
    }

    /** Whether {@code p} is still in use, not given back to the pool. */
    final boolean inUse(Page p) {
        return pages.get(p.index) == p;
    }

    /** Whether class {@code cls} has a page with room (the class lock is held). */
    final boolean hasRoom(int cls) {
        return !listFor(cls).isEmpty();
    }

    /** A slot of class {@code cls}, from its first page with room or from a new page (the class lock is held). */
    final long take(int cls, String op) {
        List<Page> list = listFor(cls);
        Page p;
        if (list.isEmpty()) {
            p = newPage(cls, op);
            link(p);
        } else {
            p = list.get(0);
        }
        return carve(p);
    }

    /** A fresh page of class {@code cls} from the pool, not yet listed. */
    final Page newPage(int cls, String op) {
        synchronized (poolLock) {
            Integer i = takeFromPool();
            if (i == null) {
                throw new AddressSpaceExhaustedException(descriptor.id(), op, "every one of the " + pages.length()
                        + " pages is in use");
            }
            Page p = new Page(i, cls, space.base() + i * PAGE, slotBytes(cls));
            made(p);
            pages.set(i, p);
            pagesInUse++;
            classesUsed |= 1 << cls;
            return p;
        }
    }

    /** Takes a slot of {@code p}: its free list first, then its bump index; a page that fills leaves the list. */
    final long carve(Page p) {
        int index;
        if (p.freeHead >= 0) {
            index = p.freeHead;
            p.freeHead = p.next[index];
        } else {
            index = p.bump++;
        }
        p.live.set(index);
        p.count++;
        if (p.count == p.capacity) {
            unlink(p);
        }
        return p.slotAddress(index);
    }

    /** Refuses a free of slot {@code index} of {@code p} unless it is a live block of {@code size}'s class. */
    final void checkLive(Page p, int index, long size, String op) {
        if (!inUse(p) || !p.live.get(index)) {
            throw new InvalidFreeException(descriptor.id(), op, Reason.DOUBLE, "slot " + index + " of page " + p.index
                    + " is free");
        }
        if (large(size) || classOf(size) != p.cls) {
            throw new InvalidFreeException(descriptor.id(), op, Reason.WRONG_SIZE, "page " + p.index + " holds "
                    + p.slot + "-byte slots");
        }
    }

    /** Frees a checked slot; an emptied page goes back to the pool when its class has another with room. */
    final void freeSlot(Page p, int index, long size) {
        boolean wasFull = p.count == p.capacity;
        p.live.clear(index);
        p.count--;
        pushFree(p, index, wasFull);
        uncount(size);
        if (p.count == 0 && listOf(p).size() > 1) {
            releasePage(p);
        }
        if (p.count == 0) {
            emptied(p);
        }
    }

    // ------------------------------------------------------------------ the SPI

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        String op = Requests.allocation(byteSize, byteAlignment);
        enter(op);
        try {
            Requests.checkAllocation(descriptor, op, byteSize, byteAlignment);
            if (byteAlignment > alignmentFor(byteSize)) {
                throw new InvalidAlignmentException(descriptor.id(), op, "alignment " + byteAlignment
                        + " is above the natural " + alignmentFor(byteSize));
            }
            return MemorySegment.ofAddress(place(byteSize, op)).reinterpret(byteSize);
        } finally {
            exit();
        }
    }

    private long place(long size, String op) {
        if (!large(size)) {
            return allocateSmall(classOf(size), size, op);
        }
        long bytes = (size + 4095) & -4096L;
        synchronized (largeLock) {
            if (largeBytes + bytes > largeBudget) {
                throw new AddressSpaceExhaustedException(descriptor.id(), op, "the mappings' budget of " + largeBudget
                        + " bytes is used up");
            }
            return mapLarge(size, bytes, op);
        }
    }

    /** A large block's own mapping, reserved and committed, then counted (the large lock is held). */
    protected long mapLarge(long size, long bytes, String op) {
        Reservation r = reserveLarge(bytes, op);
        try {
            r.commit(0, bytes);
        } catch (VirtualMemoryException e) {
            r.close(); // nothing was counted yet: the refusal leaves everything as it was
            throw new AddressSpaceExhaustedException(descriptor.id(), op, e.getMessage(), e);
        }
        record(r, size);
        return r.base();
    }

    /** A large block's own mapping of {@code bytes}, reserved; a reservation the kernel refused refuses {@code op}. */
    protected final Reservation reserveLarge(long bytes, String op) {
        try {
            return reserveMapping(bytes);
        } catch (VirtualMemoryException e) {
            throw new AddressSpaceExhaustedException(descriptor.id(), op, e.getMessage(), e);
        }
    }

    /** A large block's own mapping of {@code bytes}, reserved (not yet committed). */
    protected Reservation reserveMapping(long bytes) {
        return vm.reserve(bytes);
    }

    /** The live large mapping that holds {@code address}, or null (the large lock is held). */
    protected Reservation mappingHolding(long address) {
        Map.Entry<Long, Reservation> m = large.floorEntry(address);
        return m != null && m.getValue().contains(address, 1) ? m.getValue() : null;
    }

    /** Counts a new mapping {@code r} of a block of {@code size} bytes (the large lock is held). */
    protected void record(Reservation r, long size) {
        large.put(r.base(), r);
        freedLarge.remove(r.base());
        largeBytes += r.size();
        count(size);
    }

    /** Takes a mapping back from the counts: the last step of its free (the large lock is held). */
    protected void unrecord(Reservation r, long size) {
        large.remove(r.base());
        freedLarge.add(r.base());
        largeBytes -= r.size();
        uncount(size);
    }

    /** Gives a freed large block's mapping back to the kernel, once it is off the counts (the large lock is held). */
    protected void unmap(Reservation r) {
        r.close();
    }

    @Override
    public void free(MemorySegment block) {
        String op = Requests.onBlock("free", block.address(), block.byteSize());
        enter(op);
        try {
            release(block.address(), block.byteSize(), op);
        } finally {
            exit();
        }
    }

    private void release(long a, long size, String op) {
        synchronized (largeLock) {
            Reservation r = large.get(a);
            if (r != null) {
                if (!large(size) || ((size + 4095) & -4096L) != r.size()) {
                    throw new InvalidFreeException(descriptor.id(), op, Reason.WRONG_SIZE, "the mapping holds "
                            + r.size() + " bytes");
                }
                unrecord(r, size);
                unmap(r);
                return;
            }
        }
        Page p = pageAt(a);
        if (p == null) {
            boolean inside;
            boolean freedMapping;
            synchronized (largeLock) {
                inside = mappingHolding(a) != null;
                freedMapping = freedLarge.contains(a);
            }
            throw new InvalidFreeException(descriptor.id(), op, inside ? Reason.INTERIOR : freedMapping ? Reason.DOUBLE
                    : space.contains(a, 1) ? Reason.UNKNOWN : Reason.FOREIGN, "no live block starts here");
        }
        long offset = a - p.base;
        int index = slotIndex(p, offset);
        if (offset != index * p.slot) {
            throw new InvalidFreeException(descriptor.id(), op, offSlotStart(p, index), "not a slot start of page "
                    + p.index);
        }
        freeSmall(p, index, size, op);
    }

    /** The page at index {@code index} of the range, or null while it is in the pool. */
    final Page pageNumbered(int index) {
        return pages.get(index);
    }

    /** The pages of the range. */
    final int pageCount() {
        return pages.length();
    }

    /** The first address of the range of pages. */
    final long rangeStart() {
        return space.base();
    }

    /** The bytes of the range of pages. */
    final long rangeBytes() {
        return space.size();
    }

    Page pageAt(long a) {
        if (!space.contains(a, 1)) {
            return null;
        }
        return pages.get((int) ((a - space.base()) / PAGE));
    }

    @Override
    public MemorySegment reallocate(MemorySegment block, long newSize) {
        String op = Requests.onBlock("reallocate", block.address(), block.byteSize()) + "->" + newSize;
        enter(op);
        try {
            Requests.checkSize(descriptor, op, newSize);
            Optional<BlockInfo> info = ownerOf(block.address());
            if (info.isEmpty() || info.get().start() != block.address()) {
                release(block.address(), block.byteSize(), op); // throws the refusal a free would
            }
            boolean bothSmall = !large(block.byteSize()) && !large(newSize);
            if (bothSmall && classOf(block.byteSize()) == classOf(newSize)) {
                Page p = pageAt(block.address());
                if (p.cls != classOf(block.byteSize())) {
                    throw new InvalidFreeException(descriptor.id(), op, Reason.WRONG_SIZE, "page holds other slots");
                }
                liveBytes.addAndGet(newSize - block.byteSize());
                return MemorySegment.ofAddress(block.address()).reinterpret(newSize);
            }
            long moved = place(newSize, op);
            MemorySegment to = MemorySegment.ofAddress(moved).reinterpret(newSize);
            MemorySegment.copy(block, 0, to, 0, Math.min(block.byteSize(), newSize));
            try {
                release(block.address(), block.byteSize(), op);
            } catch (RuntimeException e) {
                release(moved, newSize, op);
                throw e;
            }
            return to;
        } finally {
            exit();
        }
    }

    @Override
    public long usableSize(MemorySegment block) {
        String op = Requests.onBlock("usableSize", block.address(), block.byteSize());
        enter(op);
        try {
            synchronized (largeLock) {
                Reservation r = large.get(block.address());
                if (r != null) {
                    return r.size();
                }
            }
            Optional<BlockInfo> info = ownerOf(block.address());
            if (info.isEmpty() || info.get().start() != block.address() || info.get().sizeClass() < 0) {
                throw new InvalidFreeException(descriptor.id(), op, Reason.UNKNOWN, "no live block starts here");
            }
            return usable(pageAt(block.address()));
        } finally {
            exit();
        }
    }

    @Override
    public Optional<BlockInfo> owner(long address) {
        enter("owner(address=0x" + Long.toHexString(address) + ")");
        try {
            return ownerOf(address);
        } finally {
            exit();
        }
    }

    private Optional<BlockInfo> ownerOf(long address) {
        Page p = pageAt(address);
        if (p != null) {
            int index = slotIndex(p, address - p.base);
            synchronized (lockOf(p.cls)) {
                return inUse(p) && p.live.get(index)
                        ? Optional.of(new BlockInfo(p.slotAddress(index), p.slot, p.cls)) : Optional.empty();
            }
        }
        synchronized (largeLock) {
            Reservation m = mappingHolding(address);
            return m != null ? Optional.of(new BlockInfo(m.base(), m.size(), -1)) : Optional.empty();
        }
    }

    @Override
    public Optional<Placement> placement(long address) {
        enter("placement(address=0x" + Long.toHexString(address) + ")");
        try {
            return ownerOf(address).map(info -> {
                Page p = pageAt(info.start());
                if (info.sizeClass() < 0 || p == null) {
                    return new Placement(List.of(new Placement.Level("mapping", 0, info.start(), info.usableSize())));
                }
                return new Placement(List.of(new Placement.Level("page", p.index, p.base, PAGE, p.capacity),
                        new Placement.Level("slot", (info.start() - p.base) / p.slot, info.start(), p.slot)));
            });
        } finally {
            exit();
        }
    }

    @Override
    public boolean owns(long address, long length) {
        enter("owns(address=0x" + Long.toHexString(address) + ", length=" + length + ")");
        try {
            if (space.contains(address, length)) {
                return true;
            }
            synchronized (largeLock) {
                Map.Entry<Long, Reservation> m = large.floorEntry(address);
                return m != null && m.getValue().contains(address, length);
            }
        } finally {
            exit();
        }
    }

    @Override
    public List<AddressRange> reservedRanges() {
        enter("reservedRanges()");
        try {
            List<AddressRange> out = new ArrayList<>();
            out.add(new AddressRange(space.base(), space.size()));
            synchronized (largeLock) {
                large.values().forEach(r -> out.add(new AddressRange(r.base(), r.size())));
            }
            return out;
        } finally {
            exit();
        }
    }

    /** Idle, each class used so far keeps at most its last page (a page empties and goes only if another has room). */
    @Override
    public long idleCommittedBound() {
        enter("idleCommittedBound()");
        try {
            synchronized (poolLock) {
                return Integer.bitCount(classesUsed) * PAGE;
            }
        } finally {
            exit();
        }
    }

    @Override
    public Stats stats() {
        enter("stats()");
        try {
            long inUse;
            synchronized (poolLock) {
                inUse = pagesInUse;
            }
            long mapped;
            synchronized (largeLock) {
                mapped = largeBytes;
            }
            return new Stats(space.size() + mapped, inUse * PAGE + mapped, liveBytes.get(), liveCount.get());
        } finally {
            exit();
        }
    }

    @Override
    public void close() {
        gate.close(this::releaseAll);
    }

    /** Releases the mappings and the page range: what close does once no call is inside. */
    protected void releaseAll() {
        closeMappings();
        space.close();
    }

    /** Enters the close gate for {@code op}, or refuses it: the allocator is closed. Paired with {@link #exit}. */
    protected void enter(String op) {
        if (!gate.enter()) {
            throw new AllocatorClosedException(descriptor.id(), op, "the allocator is closed");
        }
    }

    /** Leaves the close gate. */
    protected void exit() {
        gate.exit();
    }

    @Override
    public void injectFault(io.vakit.spi.InjectedFault kind, int skip) {
        io.vakit.design.InjectedFaults.inject(vm, kind, skip);
    }

    @Override
    public void clearFaults() {
        io.vakit.design.InjectedFaults.clear(vm);
    }

    @Override
    public long faultsFired(io.vakit.spi.InjectedFault kind) {
        return io.vakit.design.InjectedFaults.fired(vm, kind);
    }
}
