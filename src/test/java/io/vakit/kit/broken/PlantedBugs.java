package io.vakit.kit.broken;

import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemoryException;
import io.vakit.spi.Allocator;
import io.vakit.spi.AddressSpaceExhaustedException;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import io.vakit.spi.InvalidFreeException.Reason;
import io.vakit.spi.Placement;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The toy slab allocator ({@link ToySlabAllocator}), correct, and with one bug each of the kinds allocator authors
 * make, planted by overriding one hook. Each provider is registered for ServiceLoader in the test tree, so replay
 * strings find it; {@code PlantedBugsTest} shows the kit's default settings reject each one.
 */
public final class PlantedBugs {
    private PlantedBugs() {}

    /** A provider of the toy, or of one of its broken variants. */
    abstract static class ToyProvider implements AllocatorProvider {
        private final DesignDescriptor descriptor;
        private final Function<ToyProvider, ToySlabAllocator> normal;
        private final Function<ToyProvider, ToySlabAllocator> small;

        ToyProvider(String id, String bug, EnumSet<Feature> features, Factory factory) {
            this.descriptor = ToySlabAllocator.descriptor(id, "toy slab allocator" + (bug.isEmpty() ? "" : ": " + bug),
                    features);
            this.normal = p -> factory.open(p.descriptor, false);
            this.small = p -> factory.open(p.descriptor, true);
        }

        @FunctionalInterface
        interface Factory {
            ToySlabAllocator open(DesignDescriptor descriptor, boolean small);
        }

        @Override
        public DesignDescriptor descriptor() {
            return descriptor;
        }

        @Override
        public Allocator open() {
            return normal.apply(this);
        }

        @Override
        public Allocator openSmall() {
            return small.apply(this);
        }
    }

    /** The toy as written: correct. */
    public static final class Correct extends ToyProvider {
        /** Used by ServiceLoader. */
        public Correct() {
            super("toy-slab", "", ToySlabAllocator.threadSafeFeatures(), ToySlabAllocator::new);
        }
    }

    /**
     * Deferred frees, as a per-thread allocator defers them: a free from a thread other than the one that opened the
     * allocator is counted at once but only queued; the owner frees the queued slots at its next allocation,
     * skipping one already free. The author's slip: the owner's own free checks the slot's live bit, which a queued
     * free has not cleared yet, so a block freed from another thread can be freed again, and is handed out twice.
     */
    public static final class DefersWithoutMarking extends ToyProvider {
        /** Used by ServiceLoader. */
        public DefersWithoutMarking() {
            super("broken-deferred", "a free from another thread is queued without marking the block freed",
                    ToySlabAllocator.threadSafeFeatures(), (d, small) -> new ToySlabAllocator(d, small) {
                        private final Thread owner = Thread.currentThread();
                        private final java.util.ArrayDeque<Object[]> queued = new java.util.ArrayDeque<>();

                        @Override
                        protected void freeSmall(Page p, int index, long size, String op) {
                            if (Thread.currentThread() != owner) {
                                synchronized (lockOf(p.cls)) {
                                    checkLive(p, index, size, op);
                                }
                                synchronized (queued) {
                                    queued.add(new Object[] {p, index, size});
                                }
                                uncount(size);
                                return;
                            }
                            super.freeSmall(p, index, size, op);
                        }

                        @Override
                        protected long allocateSmall(int cls, long size, String op) {
                            if (Thread.currentThread() == owner) {
                                while (true) {
                                    Object[] q;
                                    synchronized (queued) {
                                        q = queued.poll();
                                    }
                                    if (q == null) {
                                        break;
                                    }
                                    Page p = (Page) q[0];
                                    int index = (int) q[1];
                                    long bytes = (long) q[2];
                                    synchronized (lockOf(p.cls)) {
                                        if (p.live.get(index)) {
                                            count(bytes); // freeSlot uncounts it again
                                            freeSlot(p, index, bytes);
                                        }
                                    }
                                }
                            }
                            return super.allocateSmall(cls, size, op);
                        }
                    });
        }
    }

    /**
     * Seed 003's bug: a free from a full page puts the page back on its class's list but forgets to push the slot, so
     * the next allocation from the page bumps past its last slot, into the next page.
     */
    public static final class LosesSlotWhenFull extends ToyProvider {
        /** Used by ServiceLoader. */
        public LosesSlotWhenFull() {
            super("broken-full-free", "a free from a full page loses its slot", ToySlabAllocator.features(),
                    (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected void pushFree(Page p, int index, boolean wasFull) {
                            if (wasFull) {
                                link(p); // back on the list... and the slot is never pushed
                                return;
                            }
                            super.pushFree(p, index, false);
                        }
                    });
        }
    }

    /**
     * An off-by-one at the last class edge: the large-request test compares sizes in 16-byte granules after a
     * truncating shift, so 4097 to 4111 bytes count as 4096 and get a 4 KiB slot.
     */
    public static final class LastEdgeOffByOne extends ToyProvider {
        /** Used by ServiceLoader. */
        public LastEdgeOffByOne() {
            super("broken-last-edge", "4097..4111 bytes get the 4096 class", ToySlabAllocator.features(),
                    (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected boolean large(long size) {
                            return (size >>> 4) > (MAX_CLASS >>> 4);
                        }
                    });
        }
    }

    /**
     * An off-by-one at the end of the range of pages: the bounds test compares the offset with {@code >}, so the first
     * address past the range is taken for a page's and indexes one past the page table.
     */
    public static final class RangeEndOffByOne extends ToyProvider {
        /** Used by ServiceLoader. */
        public RangeEndOffByOne() {
            super("broken-range-end", "the first address past the range of pages is looked up as a page's",
                    ToySlabAllocator.features(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        Page pageAt(long a) {
                            long offset = a - rangeStart();
                            if (offset < 0 || offset > rangeBytes()) {
                                return null;
                            }
                            return pageNumbered((int) (offset / PAGE));
                        }
                    });
        }
    }

    /**
     * A bug only exhaustion shows: the live counters are bumped before the slot is taken, so a request refused for
     * want of pages is still counted.
     */
    public static final class CountsBeforeExhaustion extends ToyProvider {
        /** Used by ServiceLoader. */
        public CountsBeforeExhaustion() {
            super("broken-exhaustion", "a refused request is still counted", ToySlabAllocator.features(),
                    (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected long allocateSmall(int cls, long size, String op) {
                            count(size);
                            synchronized (lockOf(cls)) {
                                return take(cls, op);
                            }
                        }
                    });
        }
    }

    /**
     * A class refilled two pages at a time (one now, one for later), declared as taking remote frees back at the owner's
     * next allocation: when the pool is down to one page, the first is taken and the second fails, and the refusal
     * keeps the first. C12 allows such a design's refusal to leave less committed, never more.
     */
    public static final class RefillsTwoPages extends ToyProvider {
        /** Used by ServiceLoader. */
        public RefillsTwoPages() {
            super("broken-refill-two", "a refused refill keeps the page it took", with(Feature.OWNER_REUSES_REMOTE_FREES),
                    (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected long allocateSmall(int cls, long size, String op) {
                            synchronized (lockOf(cls)) {
                                if (!hasRoom(cls)) {
                                    Page now = newPage(cls, op);
                                    Page later = newPage(cls, op); // the pool's last page: this one throws
                                    link(later);
                                    link(now);
                                }
                                long a = take(cls, op);
                                count(size);
                                return a;
                            }
                        }
                    });
        }
    }

    /**
     * A stats drift only an emptied page shows: giving an empty page back subtracts one slot from the live bytes, as
     * if its last block were freed twice.
     */
    public static final class DriftsWhenPageEmpties extends ToyProvider {
        /** Used by ServiceLoader. */
        public DriftsWhenPageEmpties() {
            super("broken-empty-drift", "releasing an empty page drifts the live bytes", ToySlabAllocator.features(),
                    (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected void releasePage(Page p) {
                            super.releasePage(p);
                            liveBytes.addAndGet(-p.slot); // the page's last slot, "freed" again
                        }
                    });
        }
    }

    /**
     * A usable size overstated by 16 bytes (a header the author believed every slot had). Declared without size
     * classes, as a native library is, so C4 cannot see it: the next block handed out lies inside the first one's
     * claimed slack (C2), and writing the slack would overwrite it.
     */
    public static final class UsableOverstated extends ToyProvider {
        /** Used by ServiceLoader. */
        public UsableOverstated() {
            super("broken-usable", "usable size 16 bytes too large", without(Feature.SIZE_CLASSES),
                    (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected long usable(Page p) {
                            return p.slot + 16;
                        }
                    });
        }
    }

    /**
     * A leak only the kernel shows: giving an empty page back counts it out of {@code committedBytes} but forgets to
     * drop its physical pages, so memory released on paper stays resident.
     */
    public static final class ReleasesOnPaper extends ToyProvider {
        /** Used by ServiceLoader. */
        public ReleasesOnPaper() {
            super("broken-paper-release", "a page given back keeps its physical pages", ToySlabAllocator.features(),
                    (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected void dropPages(Page p) {
                            // forgotten: space.reset(p.index * PAGE, PAGE)
                        }
                    });
        }
    }

    /**
     * A cache without a bound: an emptied page is kept for the next burst instead of going back to the pool, so after
     * a burst the memory stays committed (counted honestly) long after every block was freed.
     */
    public static final class KeepsEmptyPages extends ToyProvider {
        /** Used by ServiceLoader. */
        public KeepsEmptyPages() {
            super("broken-keeps-pages", "every emptied page is kept for reuse", ToySlabAllocator.features(),
                    (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected void releasePage(Page p) {
                            // kept on its class's list, for the next burst
                        }
                    });
        }
    }

    /** A leak at close: the own mappings of large blocks still live at close are never unmapped. */
    public static final class LeaksMappingsAtClose extends ToyProvider {
        /** Used by ServiceLoader. */
        public LeaksMappingsAtClose() {
            super("broken-close-leak", "close forgets the large mappings", ToySlabAllocator.features(),
                    (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected void closeMappings() {
                            // forgotten: large.values().forEach(Reservation::close)
                        }
                    });
        }
    }

    /**
     * Live counters striped per thread, whose stripes of ended threads are dropped with their counts
     * ({@link StripedCountsAllocator}).
     */
    public static final class DropsEndedThreadCounts extends ToyProvider {
        /** Used by ServiceLoader. */
        public DropsEndedThreadCounts() {
            super("broken-striped-counts", "the counts of a thread that ended are dropped",
                    ToySlabAllocator.threadSafeFeatures(), StripedCountsAllocator::new);
        }
    }

    /**
     * The toy with remote frees deferred to its owner, as written: correct ({@link DeferringToySlab}). Its twins
     * {@link DrainsAfterAllocating} and {@link RefusesQueuedDoubleAsUnknown} have the bugs.
     */
    public static final class Defers extends ToyProvider {
        /** Used by ServiceLoader. */
        public Defers() {
            super("toy-slab-deferring", "", ToySlabAllocator.threadSafeFeatures(), DeferringToySlab::new);
        }
    }

    /** The toy with reallocation in place beyond its table, as written: correct ({@link SlotReallocToy}). */
    public static final class KeepsItsSlot extends ToyProvider {
        /** Used by ServiceLoader. */
        public KeepsItsSlot() {
            super("toy-slab-in-slot", "", SlotReallocToy.features(), (d, small) -> new SlotReallocToy(d, small, true));
        }
    }

    /**
     * The toy with slots of three times its class size (48 B to 12 KiB; declared without a size-class table), so that
     * every page ends in a tail no slot uses: correct. Its twin {@link ClampsTailIndex} has the bug.
     */
    public static final class HasTails extends ToyProvider {
        /** Used by ServiceLoader. */
        public HasTails() {
            super("toy-slab-tails", "", tailFeatures(), (d, small) -> new ToySlabAllocator(d, small) {
                @Override
                protected long slotBytes(int cls) {
                    return 3 * super.slotBytes(cls);
                }
            });
        }
    }

    /**
     * The toy with tails ({@link HasTails}), whose slot index is clamped to the page's last slot, the way an author
     * keeps an index in the bounds of its arrays: an address in a page's tail is taken for the inside of the last
     * slot, so a free there is refused as INTERIOR when that slot is live, and the owner query there names it.
     */
    public static final class ClampsTailIndex extends ToyProvider {
        /** Used by ServiceLoader. */
        public ClampsTailIndex() {
            super("broken-tail-clamp", "a slot index is clamped to the page's last slot",
                    tailFeatures(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected long slotBytes(int cls) {
                            return 3 * super.slotBytes(cls);
                        }

                        @Override
                        protected int slotIndex(Page p, long offset) {
                            return Math.min(super.slotIndex(p, offset), p.capacity - 1);
                        }
                    });
        }
    }

    /**
     * The toy's thread-safe features, without a size-class table (its slots are not its classes' sizes) and so without
     * the sized-free check (whose classes, without a table, are the kit's powers of two, not the toy's).
     */
    static EnumSet<Feature> tailFeatures() {
        EnumSet<Feature> f = ToySlabAllocator.threadSafeFeatures();
        f.remove(Feature.SIZE_CLASSES);
        f.remove(Feature.SIZED_FREE_CHECK);
        return f;
    }

    /** Reallocation in place beyond the table for a shrink only ({@link SlotReallocToy}). */
    public static final class MovesToGrowInSlot extends ToyProvider {
        /** Used by ServiceLoader. */
        public MovesToGrowInSlot() {
            super("broken-slot-growth", "a large block grown within its mapping is moved",
                    SlotReallocToy.features(), (d, small) -> new SlotReallocToy(d, small, false));
        }
    }

    /**
     * The page pool run as a bump region, as a first version often is: pages are carved from the bottom, and a page
     * given back shrinks the region only when it is the topmost page in use. The author's slip: the holes a page
     * given back below the top leaves are recorded nowhere, so no class gets them again. Its physical pages are
     * dropped and it is counted out, so the stats and the idle bound stay true; only the address space is lost.
     */
    public static final class LosesPoolHoles extends ToyProvider {
        /** Used by ServiceLoader. */
        public LosesPoolHoles() {
            super("broken-pool-holes", "pages given back below the top are lost to the pool",
                    ToySlabAllocator.features(), (d, small) -> new ToySlabAllocator(d, small) {
                        private final java.util.Set<Integer> holes = new java.util.TreeSet<>();

                        @Override
                        protected void returnToPool(int index) {
                            if (!topmost(index)) {
                                holes.add(index); // to be merged when the top comes down: never done
                                return;
                            }
                            super.returnToPool(index);
                        }
                    });
        }
    }

    /**
     * Per-thread page pools, as a per-thread allocator keeps them to spare the shared pool's lock: a page given back
     * goes to the pool of the thread that gave it back, and a thread takes from its own pool first, then from the
     * shared one. The author's slip: nothing ever moves a page from a thread's pool to the shared one, so the pages a
     * thread emptied serve that thread alone, and another thread runs out while most of the pages are free.
     */
    public static final class KeepsPagesPerThread extends ToyProvider {
        /** Used by ServiceLoader. */
        public KeepsPagesPerThread() {
            super("broken-thread-pools", "pages given back serve only the thread that gave them back",
                    ToySlabAllocator.threadSafeFeatures(), (d, small) -> new ToySlabAllocator(d, small) {
                        private final Map<Thread, java.util.TreeSet<Integer>> mine = new HashMap<>();

                        @Override
                        protected void returnToPool(int index) {
                            mine.computeIfAbsent(Thread.currentThread(), t -> new java.util.TreeSet<>()).add(index);
                        }

                        @Override
                        protected Integer takeFromPool() {
                            java.util.TreeSet<Integer> own = mine.get(Thread.currentThread());
                            return own != null && !own.isEmpty() ? own.pollFirst() : super.takeFromPool();
                        }
                    });
        }
    }

    /**
     * Per-thread counters whose stripe of an ended thread is retired with its allocations but not its own frees
     * ({@link RetiresAllocationsOnlyAllocator}).
     */
    public static final class RetiresAllocationsOnly extends ToyProvider {
        /** Used by ServiceLoader. */
        public RetiresAllocationsOnly() {
            super("broken-retired-frees", "an ended thread's counts are retired without the frees it made",
                    ToySlabAllocator.threadSafeFeatures(), RetiresAllocationsOnlyAllocator::new);
        }
    }

    /**
     * Deferred frees done right but for one ordering: a free from a thread other than the one that opened the
     * allocator marks the slot freed and queues it for the owner, which puts the queued slots back on its free lists
     * at its next allocation. The author's slip, to keep the allocation's latency low: the queue is drained after the
     * allocation is served, so an allocation that the queued slots would serve is refused for exhaustion first.
     */
    public static final class DrainsAfterAllocating extends ToyProvider {
        /** Used by ServiceLoader. */
        public DrainsAfterAllocating() {
            super("broken-drains-late", "the owner takes deferred frees back only after its allocation is served",
                    ToySlabAllocator.threadSafeFeatures(), (d, small) -> new DeferringToySlab(d, small) {
                        @Override
                        protected long allocateSmall(int cls, long size, String op) {
                            long a = allocateWithoutTakingBack(cls, size, op);
                            if (onOwner()) {
                                takeQueueBack();
                            }
                            return a;
                        }
                    });
        }
    }

    /**
     * A cache of freed mappings, as allocators keep one to spare the kernel calls: a freed block's own mapping of up to
     * 64 KiB is kept, cleared, for the next block of its size, and only larger ones are unmapped. The author's slip:
     * the cache is counted as free memory, off the books, so a cached mapping has left {@code reservedRanges()} and
     * the reserved bytes while it is still mapped.
     */
    public static final class CachesMappingsOffTheBooks extends ToyProvider {
        /** Used by ServiceLoader. */
        public CachesMappingsOffTheBooks() {
            super("broken-unmapped-on-paper", "freed mappings up to 64 KiB are kept for reuse, off the books",
                    ToySlabAllocator.features(), (d, small) -> new ToySlabAllocator(d, small) {
                        private final Map<Long, java.util.ArrayDeque<Reservation>> cache =
                                new HashMap<>();

                        @Override
                        protected void unmap(Reservation r) {
                            if (r.size() > 64 * 1024) {
                                super.unmap(r);
                                return;
                            }
                            cache.computeIfAbsent(r.size(), k -> new java.util.ArrayDeque<>()).push(r);
                        }

                        @Override
                        protected long mapLarge(long size, long bytes, String op) {
                            java.util.ArrayDeque<Reservation> kept = cache.get(bytes);
                            if (kept == null || kept.isEmpty()) {
                                return super.mapLarge(size, bytes, op);
                            }
                            Reservation r = kept.pop();
                            java.lang.foreign.MemorySegment.ofAddress(r.base()).reinterpret(r.size()).fill((byte) 0); // for calloc
                            record(r, size);
                            return r.base();
                        }

                        @Override
                        protected void closeMappings() {
                            cache.values().forEach(q -> q.forEach(Reservation::close));
                            cache.clear();
                            super.closeMappings();
                        }
                    });
        }
    }

    /**
     * Deferred frees done right but for one answer: a free from another thread marks the slot freed and queues it
     * for the owner, who takes the queue back before each of its allocations. The author's slip, in the owner's free:
     * a slot still in the queue is looked for first and refused with the reason for an address it cannot place, since
     * the slot is neither live nor back on its page's free list yet. The toy declares that it tells a double free apart
     * (EXACT_REASONS), and a second free of a block another thread has just freed is one.
     */
    public static final class RefusesQueuedDoubleAsUnknown extends ToyProvider {
        /** Used by ServiceLoader. */
        public RefusesQueuedDoubleAsUnknown() {
            super("broken-queued-double", "a double free of a slot still queued by another thread's free is UNKNOWN",
                    ToySlabAllocator.threadSafeFeatures(), (d, small) -> new DeferringToySlab(d, small) {
                        @Override
                        protected void freeSmall(Page p, int index, long size, String op) {
                            if (onOwner() && queued(p, index)) {
                                throw new io.vakit.spi.InvalidFreeException(descriptor().id(), op,
                                        io.vakit.spi.InvalidFreeException.Reason.UNKNOWN,
                                        "slot " + index + " of page " + p.index + " waits in the owner's queue");
                            }
                            super.freeSmall(p, index, size, op);
                        }
                    });
        }
    }

    /**
     * A check moved to the front of the free path, as an author does to fail fast: a slot whose live bit is clear is
     * refused there, with the refusal the allocator uses for an address it cannot place. The toy declares that it
     * tells a double free apart (EXACT_REASONS), and this path no longer does.
     */
    public static final class RefusesDoubleAsUnknown extends ToyProvider {
        /** Used by ServiceLoader. */
        public RefusesDoubleAsUnknown() {
            super("broken-coarse-double", "a double free of a slot is refused as UNKNOWN",
                    ToySlabAllocator.features(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected void freeSmall(Page p, int index, long size, String op) {
                            synchronized (lockOf(p.cls)) {
                                if (!p.live.get(index)) {
                                    throw new io.vakit.spi.InvalidFreeException(descriptor().id(), op,
                                            io.vakit.spi.InvalidFreeException.Reason.UNKNOWN,
                                            "no live block starts here");
                                }
                            }
                            super.freeSmall(p, index, size, op);
                        }
                    });
        }
    }

    /**
     * The close check written to keep the hot path free of string building: the gate is given the operation's name
     * alone, so a call after close is refused without the address or size it was given. The standard asks every
     * refusal to name them, and M7 asks it of calls after close.
     */
    public static final class TerseAfterClose extends ToyProvider {
        /** Used by ServiceLoader. */
        public TerseAfterClose() {
            super("broken-terse-closed", "a call after close is refused without its address or size",
                    ToySlabAllocator.features(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected void enter(String op) {
                            int arguments = op.indexOf('(');
                            super.enter(arguments < 0 ? op : op.substring(0, arguments));
                        }
                    });
        }
    }

    /**
     * A page is put on its class's list when it is carved from the pool, and leaves it when it fills; the author
     * brings a full page back only once it is empty again, as if it were fresh: a free from a full page pushes the
     * slot but leaves the page off the list, so while any of its blocks is live its freed slots serve nothing, and a
     * class whose pages all filled asks the pool for a new one. Once every block is freed, all is well again.
     */
    public static final class ListsFullPagesOnceEmpty extends ToyProvider {
        /** Used by ServiceLoader. */
        public ListsFullPagesOnceEmpty() {
            super("broken-full-unlisted", "a page that filled rejoins its class's list only once it is empty",
                    ToySlabAllocator.features(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected void pushFree(Page p, int index, boolean wasFull) {
                            super.pushFree(p, index, false);
                            if (p.count == 0) {
                                link(p);
                            }
                        }
                    });
        }
    }

    /**
     * A page's capacity stated in the 16-byte granules the author sizes classes in, not in slots: a page of 64 KiB
     * "holds 4096" whatever its slot, so no page of a class above 16 bytes can ever be seen full (before L1 checked
     * the capacity against the bytes, the run ended UNCHECKED, its full-page states never reached).
     */
    public static final class StatesCapacityInGranules extends ToyProvider {
        /** Used by ServiceLoader. */
        public StatesCapacityInGranules() {
            super("broken-granule-capacity", "a page's capacity stated in 16-byte granules, not in slots",
                    ToySlabAllocator.features(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        public Optional<Placement> placement(long address) {
                            return super.placement(address).map(p -> {
                                if (p.levels().size() < 2) {
                                    return p;
                                }
                                Placement.Level page = p.levels().get(0);
                                return new Placement(List.of(new Placement.Level(page.unit(), page.index(),
                                        page.start(), page.bytes(), page.bytes() / 16), p.slot()));
                            });
                        }
                    });
        }
    }

    /**
     * The toy with a heap per thread that takes its pages in slices, as written: correct ({@link SlicedToySlab}): a
     * heap keeps at most one slice held by nothing but its kept empty pages. Its twin {@link PinsSlices} has the bug.
     */
    public static final class Sliced extends ToyProvider {
        /** Used by ServiceLoader. */
        public Sliced() {
            super("toy-slab-sliced", "", SlicedToySlab.features(), (d, small) -> new SlicedToySlab(d, small, true));
        }
    }

    /**
     * The sliced toy without its trim, as a per-thread allocator that caches an empty page per class keeps it: each
     * class of a thread keeps its emptied page, and with it the slice around it, for as long as the thread lives. A
     * thread that used 8 classes holds all 8 slices with no block live, and a new thread gets no block. Its committed
     * memory stays within the idle bound; only the kit's sweep ({@code States.SWEPT}) fills enough classes to see it.
     */
    public static final class PinsSlices extends ToyProvider {
        /** Used by ServiceLoader. */
        public PinsSlices() {
            super("broken-pinned-slices", "each class of a thread keeps its emptied page, and the slice around it",
                    SlicedToySlab.features(), (d, small) -> new SlicedToySlab(d, small, false));
        }
    }

    /**
     * Large mappings found by a map of their 1 MiB units, as a chunked allocator finds its chunks: each mapping is
     * reserved on a unit boundary and entered in the map under its unit. The author's slip: only the mapping's first
     * unit is entered, so an address past the first MiB of a larger block has no owner, and a free there is refused
     * as FOREIGN, not INTERIOR.
     */
    public static final class MapsFirstUnitOnly extends ToyProvider {
        /** Used by ServiceLoader. */
        public MapsFirstUnitOnly() {
            super("broken-first-unit", "a large mapping's unit map holds its first 1 MiB unit only",
                    ToySlabAllocator.features(), (d, small) -> new ToySlabAllocator(d, small) {
                        private static final int UNIT_SHIFT = 20;
                        private final Map<Long, Reservation> units = new HashMap<>();

                        @Override
                        protected Reservation reserveMapping(long bytes) {
                            return vm.reserve(bytes, 1L << UNIT_SHIFT);
                        }

                        @Override
                        protected void record(Reservation r, long size) {
                            super.record(r, size);
                            units.put(r.base() >>> UNIT_SHIFT, r); // ...and the units after the first are never entered
                        }

                        @Override
                        protected void unrecord(Reservation r, long size) {
                            super.unrecord(r, size);
                            units.remove(r.base() >>> UNIT_SHIFT);
                        }

                        @Override
                        protected Reservation mappingHolding(long address) {
                            Reservation r = units.get(address >>> UNIT_SHIFT);
                            return r != null && r.contains(address, 1) ? r : null;
                        }
                    });
        }
    }

    /**
     * The toy, whose free calls every address that is not a slot start an interior free, as many allocators do: the
     * author tests the offset against the slot size and never asks whether the slot is live. Inside a live slot that
     * is right; inside a free one it is not, and there is one only where a page of one class was given back and taken
     * by another, so that a stale address of the first class falls inside a free slot of the second. (Found in
     * {@code chunks}, which tested an item's boundary before its liveness.)
     */
    public static final class InteriorWhereStale extends ToyProvider {
        /** Used by ServiceLoader. */
        public InteriorWhereStale() {
            super("broken-interior-stale", "every address off a slot start is refused as INTERIOR, live slot or not",
                    ToySlabAllocator.features(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected Reason offSlotStart(Page p, int index) {
                            return Reason.INTERIOR;
                        }
                    });
        }
    }

    /**
     * The toy, whose large blocks are committed in 1 MiB pieces, each counted in the committed bytes as it succeeds,
     * so that a block too large to commit fails early and the stats show how far it got. The author's slip: when a
     * piece fails, the mapping is unmapped and the refusal thrown, but the pieces already counted stay counted. Only a
     * commit that fails after the first piece shows it.
     */
    public static final class CountsPiecesOfARefusal extends ToyProvider {
        private static final long PIECE = 1L << 20;

        /** Used by ServiceLoader. */
        public CountsPiecesOfARefusal() {
            super("broken-counted-pieces", "a large block's pieces stay counted when a later piece fails to commit",
                    ToySlabAllocator.features(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected long mapLarge(long size, long bytes, String op) {
                            Reservation r = reserveLarge(bytes, op);
                            try {
                                for (long at = 0; at < bytes; at += PIECE) {
                                    long n = Math.min(PIECE, bytes - at);
                                    r.commit(at, n);
                                    largeBytes += n; // counted as it is committed
                                }
                            } catch (VirtualMemoryException e) {
                                r.close(); // ...and what was counted stays counted
                                throw new AddressSpaceExhaustedException(d.id(), op, e.getMessage(), e);
                            }
                            record(r, size);
                            return r.base();
                        }

                        @Override
                        protected void record(Reservation r, long size) {
                            long counted = largeBytes; // its pieces are counted already
                            super.record(r, size);
                            largeBytes = counted;
                        }
                    });
        }
    }

    private static EnumSet<Feature> with(Feature f) {
        EnumSet<Feature> all = ToySlabAllocator.features();
        all.add(f);
        return all;
    }

    private static EnumSet<Feature> without(Feature f) {
        EnumSet<Feature> all = ToySlabAllocator.features();
        all.remove(f);
        return all;
    }
}
