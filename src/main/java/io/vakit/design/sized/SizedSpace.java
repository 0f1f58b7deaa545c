package io.vakit.design.sized;

import io.vakit.ds.Binmap;
import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import io.vakit.pal.VirtualMemoryException;
import io.vakit.spi.AddressSpaceExhaustedException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The address space of one {@code sized} allocator: every block by its base address (so a pointer's block is
 * {@code address & -blockSize} and one map lookup), the address-space budget, and the blocks recently released
 * (so a free into one is reported as such, not as foreign memory). Thread-safe.
 */
final class SizedSpace {
    private static final int RECENT = 4096;
    /**
     * Block bases are multiples of large powers of two, and the hash codes of such {@code Long}s differ only in bits
     * a hash table never looks at: every block would land in one bin, and each free would walk a chain of all of
     * them. Multiplying by an odd constant is a bijection that spreads them.
     */
    private static final long SPREAD = 0x9E3779B97F4A7C15L;

    private final String design;
    private final VirtualMemory vm;
    private final ReleasePolicy policy;
    private final long budget;
    private final ConcurrentHashMap<Long, SizedBlock> blocks = new ConcurrentHashMap<>();
    private final Map<Long, Long> recentlyReleased = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > RECENT;
        }
    };
    private final AtomicLong reserved = new AtomicLong();

    SizedSpace(String design, VirtualMemory vm, ReleasePolicy policy, long budget) {
        this.design = design;
        this.vm = vm;
        this.policy = policy;
        this.budget = budget;
    }

    ReleasePolicy policy() {
        return policy;
    }

    long reserved() {
        return reserved.get();
    }

    /** Claims {@code bytes} of the budget, or throws; the caller gives them back on failure. */
    void claim(long bytes, String op) {
        long now = reserved.addAndGet(bytes);
        if (now > budget) {
            reserved.addAndGet(-bytes);
            throw new AddressSpaceExhaustedException(design, op, "the allocator's address-space budget of " + budget
                    + " bytes is used up (" + (now - bytes) + " reserved)");
        }
    }

    void unclaim(long bytes) {
        reserved.addAndGet(-bytes);
    }

    /** The bytes one block of layout {@code l} costs: the block and its live-slot binmap, page-rounded. */
    static long blockBytes(SizedLayout l) {
        return l.blockSize() + pageRound(Binmap.bytesFor(l.capacity(), Binmap.WordSize.W64));
    }

    /** Reserves, commits and registers a new block for {@code heap}. */
    SizedBlock newBlock(BlockHeap heap, String op) {
        SizedLayout l = heap.layout;
        long bitmap = pageRound(Binmap.bytesFor(l.capacity(), Binmap.WordSize.W64));
        claim(l.blockSize() + bitmap, op);
        Reservation r = null;
        try {
            r = vm.reserve(l.blockSize(), l.blockSize());
            r.commit(0, l.blockSize());
            SizedBlock b = new SizedBlock(heap.family, heap.cls, l, r, Binmap.allocate(l.capacity(), Binmap.WordSize.W64));
            blocks.put(b.base() * SPREAD, b);
            synchronized (recentlyReleased) {
                recentlyReleased.remove(b.base());
            }
            return b;
        } catch (VirtualMemoryException e) {
            if (r != null) {
                r.close();
            }
            unclaim(l.blockSize() + bitmap);
            throw new AddressSpaceExhaustedException(design, op, "no address space for a " + l.blockSize()
                    + "-byte block: " + e.getMessage(), e);
        }
    }

    /** Unregisters and unmaps an emptied block. Called under its heap's lock. */
    void release(SizedBlock b) {
        b.released = true;
        blocks.remove(b.base() * SPREAD);
        synchronized (recentlyReleased) {
            recentlyReleased.put(b.base(), b.base() + b.layout.blockSize());
        }
        long bitmap = pageRound(Binmap.bytesFor(b.layout.capacity(), Binmap.WordSize.W64));
        b.live.close();
        b.space.close();
        unclaim(b.layout.blockSize() + bitmap);
    }

    /** The block at {@code base}, or null. */
    SizedBlock block(long base) {
        return blocks.get(base * SPREAD);
    }

    /** True when {@code address} lies in a block released recently. */
    boolean recentlyReleased(long address) {
        synchronized (recentlyReleased) {
            for (Map.Entry<Long, Long> e : recentlyReleased.entrySet()) {
                if (address >= e.getKey() && address < e.getValue()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The ranges of every block and of its live-slot binmap. */
    java.util.List<io.vakit.spi.AddressRange> ranges() {
        java.util.List<io.vakit.spi.AddressRange> out = new java.util.ArrayList<>();
        for (SizedBlock b : blocks.values()) {
            out.add(new io.vakit.spi.AddressRange(b.space.base(), b.space.size()));
            out.add(new io.vakit.spi.AddressRange(b.live.storageAddress(),
                    pageRound(Binmap.bytesFor(b.layout.capacity(), Binmap.WordSize.W64))));
        }
        return out;
    }

    /** Every block, for close. */
    Iterator<SizedBlock> all() {
        return blocks.values().iterator();
    }

    void clear() {
        blocks.clear();
    }

    static long pageRound(long bytes) {
        long page = VirtualMemory.pageSize();
        return (bytes + page - 1) & -page;
    }
}
