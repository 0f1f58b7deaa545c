package io.vakit.kit.broken;

import java.lang.foreign.MemorySegment;

/**
 * The thread-safe toy slab allocator ({@link ToySlabAllocator}) with one concurrency bug each, of the kinds authors
 * make when they shorten a critical section: each variant passes every sequential check (one thread never meets
 * the bug) and is declared thread-safe. {@code PlantedRacesTest} shows which concurrency check of the default
 * {@code mvn verify} rejects each one.
 */
public final class PlantedRaces {
    private PlantedRaces() {}

    /**
     * A per-class lock that misses one path: the fast path takes a slot under the class lock, but when the class has
     * no page with room the refill runs after the lock is released ("the page pool has a lock of its own"): it finds
     * or makes a page, lists it and carves a slot with no class lock held, racing other threads that take slots from
     * the same list and pages under the lock, or refill at the same moment.
     */
    public static final class RefillOutsideTheLock extends PlantedBugs.ToyProvider {
        /** Used by ServiceLoader. */
        public RefillOutsideTheLock() {
            super("broken-race-refill", "a refill outside the class lock", ToySlabAllocator.threadSafeFeatures(),
                    (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected long allocateSmall(int cls, long size, String op) {
                            synchronized (lockOf(cls)) {
                                if (hasRoom(cls)) {
                                    long a = take(cls, op);
                                    count(size);
                                    return a;
                                }
                            }
                            long a = take(cls, op); // the refill: the pool's lock only
                            count(size);
                            return a;
                        }
                    });
        }
    }

    /**
     * A lost free into a full page: a full page is on no list, so the author reasoned that no allocation can touch
     * it, and its slot goes back without the class lock, which is taken only to list the page again. Two threads
     * freeing into the same full page race on its free list and count: one slot can be lost, or the page's count
     * and free list disagree, and a later allocation is carved past the page's last slot.
     */
    public static final class LosesAFreeIntoAFullPage extends PlantedBugs.ToyProvider {
        /** Used by ServiceLoader. */
        public LosesAFreeIntoAFullPage() {
            super("broken-race-full-free", "frees into a full page without the class lock",
                    ToySlabAllocator.threadSafeFeatures(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected void freeSmall(Page p, int index, long size, String op) {
                            if (p.count != p.capacity) {
                                super.freeSmall(p, index, size, op);
                                return;
                            }
                            checkLive(p, index, size, op);
                            p.live.clear(index);
                            p.count--;
                            p.next[index] = p.freeHead;
                            p.freeHead = index;
                            uncount(size);
                            synchronized (lockOf(p.cls)) {
                                link(p);
                            }
                        }
                    });
        }
    }

    /**
     * A double free raced from two threads and accepted twice: misuse is checked before the class lock is taken, to
     * fail fast and keep the critical section short. Two threads freeing one block both pass the check; the slot goes
     * on the free list twice and is later handed out twice.
     */
    public static final class ChecksDoubleFreeOutsideTheLock extends PlantedBugs.ToyProvider {
        /** Used by ServiceLoader. */
        public ChecksDoubleFreeOutsideTheLock() {
            super("broken-race-double-free", "checks for a double free before taking the lock",
                    ToySlabAllocator.threadSafeFeatures(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected void freeSmall(Page p, int index, long size, String op) {
                            checkLive(p, index, size, op);
                            synchronized (lockOf(p.cls)) {
                                freeSlot(p, index, size);
                            }
                        }
                    });
        }
    }

    /**
     * A freed block handed out again before the freeing thread's writes are done: a debug junk fill of freed memory,
     * as jemalloc's {@code opt.junk} does, written after the class lock is released ("writing memory needs no
     * lock"). Another thread can already have been given the slot and written its own data, which the junk then
     * overwrites.
     */
    public static final class JunkFillsAfterTheLock extends PlantedBugs.ToyProvider {
        static final byte JUNK = (byte) 0x5F;

        /** Used by ServiceLoader. */
        public JunkFillsAfterTheLock() {
            super("broken-race-junk", "junk-fills a freed slot after releasing the lock",
                    ToySlabAllocator.threadSafeFeatures(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected void freeSmall(Page p, int index, long size, String op) {
                            super.freeSmall(p, index, size, op);
                            if (inUse(p)) { // a page given back has no slot to fill
                                MemorySegment.ofAddress(p.slotAddress(index)).reinterpret(p.slot).fill(JUNK);
                            }
                        }
                    });
        }
    }

    /**
     * A close that only sets a volatile flag (rule T2): every call checks the flag first, so the author reasoned that
     * nothing runs after close; but a call already past its check goes on while close unmaps, and two closes at once
     * both release. (The seed-002 {@code arenas} design and {@code sized} were written this way.)
     */
    public static final class ClosesWithAFlag extends PlantedBugs.ToyProvider {
        /** A planted bug: PlantedRacesTest shows the check that rejects it. */
        public ClosesWithAFlag() {
            super("broken-race-close-flag", "a close that only sets a flag", ToySlabAllocator.threadSafeFeatures(),
                    (d, small) -> new ToySlabAllocator(d, small) {
                        private volatile boolean closed;

                        @Override
                        protected void enter(String op) {
                            if (closed) {
                                throw new io.vakit.spi.AllocatorClosedException(d.id(), op, "the allocator is closed");
                            }
                        }

                        @Override
                        protected void exit() {}

                        @Override
                        public void close() {
                            if (closed) {
                                return;
                            }
                            closed = true;
                            releaseAll();
                        }
                    });
        }
    }

    /**
     * A large mapping looked up under the lock and unmapped after it ("munmap is slow; hold no lock over it"), then
     * taken out of the table under the lock again (rule T3). Two threads freeing the same mapping both find it; the
     * second to take it out finds nothing there, and throws NullPointerException. (The {@code partitions} design's
     * high range was freed this way.)
     */
    public static final class FreesAMappingOutsideTheLock extends PlantedBugs.ToyProvider {
        /** A planted bug: PlantedRacesTest shows the check that rejects it. */
        public FreesAMappingOutsideTheLock() {
            super("broken-race-mapping-free", "a mapping looked up, then freed, under two locks",
                    ToySlabAllocator.threadSafeFeatures(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        public void free(MemorySegment block) {
                            enter("free");
                            try {
                                freeMapping(block);
                            } finally {
                                exit();
                            }
                        }

                        private void freeMapping(MemorySegment block) {
                            io.vakit.pal.Reservation r;
                            synchronized (largeLock) {
                                r = large.get(block.address());
                            }
                            if (r == null || !large(block.byteSize())) {
                                super.free(block);
                                return;
                            }
                            synchronized (largeLock) {
                                io.vakit.pal.Reservation gone = large.remove(block.address());
                                largeBytes -= gone.size();
                                uncount(block.byteSize());
                            }
                            r.close();
                        }
                    });
        }
    }

    /**
     * An owner lookup that finds a large block's mapping under the lock, then takes the lock again to read its record
     * and treats a record that is gone as an invalid address (rule T4): a free of the mapping between the two makes
     * {@code owner} throw InvalidFreeException instead of answering empty. (The {@code partitions} design's owner and
     * placement did this when a slice was given back between {@code ownerOf}'s check and {@code withOwner}.)
     */
    public static final class OwnerThrowsDuringAGiveBack extends PlantedBugs.ToyProvider {
        /** A planted bug: PlantedRacesTest shows the check that rejects it. */
        public OwnerThrowsDuringAGiveBack() {
            super("broken-race-owner-give-back", "an owner lookup that throws while a page is given back",
                    ToySlabAllocator.threadSafeFeatures(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        public java.util.Optional<io.vakit.spi.BlockInfo> owner(long address) {
                            java.util.Map.Entry<Long, io.vakit.pal.Reservation> m;
                            synchronized (largeLock) {
                                m = large.floorEntry(address);
                            }
                            if (m == null || !m.getValue().contains(address, 1)) {
                                return super.owner(address);
                            }
                            synchronized (largeLock) { // the mapping's record, by its start
                                io.vakit.pal.Reservation r = large.get(m.getKey());
                                if (r == null) {
                                    throw new io.vakit.spi.InvalidFreeException(d.id(), "owner(address=0x"
                                            + Long.toHexString(address) + ")", io.vakit.spi.InvalidFreeException.Reason
                                            .UNKNOWN, "no mapping starts at 0x" + Long.toHexString(m.getKey()));
                                }
                                return java.util.Optional.of(new io.vakit.spi.BlockInfo(r.base(), r.size(), -1));
                            }
                        }
                    });
        }
    }

    /**
     * A large mapping counted before its commit (rule C13): reserved, put in the table and counted, then committed;
     * when the commit fails the refusal is typed, but the mapping stays counted and reserved.
     */
    public static final class CountsAMappingBeforeItsCommit extends PlantedBugs.ToyProvider {
        /** A planted bug: PlantedRacesTest shows the check that rejects it. */
        public CountsAMappingBeforeItsCommit() {
            super("broken-fault-count-first", "a mapping counted before its commit",
                    ToySlabAllocator.threadSafeFeatures(), (d, small) -> new ToySlabAllocator(d, small) {
                        @Override
                        protected long mapLarge(long size, long bytes, String op) {
                            io.vakit.pal.Reservation r;
                            try {
                                r = vm.reserve(bytes);
                                record(r, size);
                                r.commit(0, bytes);
                            } catch (io.vakit.pal.VirtualMemoryException e) {
                                throw new io.vakit.spi.AddressSpaceExhaustedException(d.id(), op, e.getMessage(), e);
                            }
                            return r.base();
                        }
                    });
        }
    }
}
