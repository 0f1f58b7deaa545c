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
}
