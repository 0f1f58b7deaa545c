package io.vakit.kit.broken;

import io.vakit.spi.DesignDescriptor;
import io.vakit.spi.Feature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The toy slab with a heap per thread whose memory comes in slices, as a per-thread allocator takes its address
 * space: each thread's heap has class lists of its own and takes the pool's pages a slice of {@link #SLICE} at a time,
 * carving its pages from its own slices; a slice goes back to the pool once none of its pages is in use. Each class of
 * a heap keeps one empty page (the toy's rule, per heap), and with it the slice the page sits in. A page of an ended
 * thread's heap goes back once it empties, and the pages that heap kept before its thread ended go back when the pool
 * has no slice left. A free from another thread acts on the page's own heap at once (so the owner takes remote frees
 * back at once: OWNER_REUSES_REMOTE_FREES). One lock guards every class, heap and slice.
 *
 * <p>With {@code trims}, as written: a heap keeps at most one slice held by nothing but its kept empty pages (when a
 * slice becomes one, the kept pages of the heap's other such slices go back). Without it
 * ({@code broken-pinned-slices}), a thread that used 8 classes holds all 8 slices while it is idle, and another thread
 * gets none: what the kit's sweep ({@code States.SWEPT}) reaches.
 */
class SlicedToySlab extends ToySlabAllocator {
    static final int SLICE = 4;
    /**
     * Pages of the small configuration: 8 slices (2 MiB), so that a fill of its 8 largest classes, down to 32 bytes,
     * ends in exhaustion.
     */
    static final int SMALL_SLICED_PAGES = 32;

    private final boolean trims;
    /** Per heap: its class lists, the free pages of its slices, and its thread. */
    private final List<List<List<Page>>> lists = new ArrayList<>();
    private final List<TreeSet<Integer>> freeIn = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<Thread, Integer> heapOf = new HashMap<>();
    /** Per slice: its heap (-1 while in the pool) and its pages in use. */
    private final int[] sliceHeap;
    private final int[] sliceInUse;
    private final TreeSet<Integer> freeSlices = new TreeSet<>();
    private boolean trimming;

    SlicedToySlab(DesignDescriptor descriptor, boolean small, boolean trims) {
        super(descriptor, small, SMALL_SLICED_PAGES, true);
        this.trims = trims;
        int slices = pageCount() / SLICE;
        this.sliceHeap = new int[slices];
        this.sliceInUse = new int[slices];
        Arrays.fill(sliceHeap, -1);
        for (int s = 0; s < slices; s++) {
            freeSlices.add(s);
        }
    }

    /** The toy's thread-safe features, and OWNER_REUSES_REMOTE_FREES: a heap's slices serve its thread alone. */
    static EnumSet<Feature> features() {
        EnumSet<Feature> f = ToySlabAllocator.threadSafeFeatures();
        f.add(Feature.OWNER_REUSES_REMOTE_FREES);
        return f;
    }

    /** The calling thread's heap, made on its first call. */
    private int heap() {
        return heapOf.computeIfAbsent(Thread.currentThread(), t -> {
            List<List<Page>> classes = new ArrayList<>();
            for (int c = 0; c < CLASSES; c++) {
                classes.add(new ArrayList<>());
            }
            lists.add(classes);
            freeIn.add(new TreeSet<>());
            threads.add(t);
            return lists.size() - 1;
        });
    }

    @Override
    protected List<Page> listFor(int cls) {
        return lists.get(heap()).get(cls);
    }

    @Override
    protected List<Page> listOf(Page p) {
        return lists.get(p.heap).get(p.cls);
    }

    @Override
    protected void made(Page p) {
        p.heap = heap();
    }

    @Override
    protected Integer takeFromPool() {
        int h = heap();
        TreeSet<Integer> free = freeIn.get(h);
        if (free.isEmpty()) {
            if (freeSlices.isEmpty()) {
                giveBackEndedHeaps();
            }
            Integer s = freeSlices.pollFirst();
            if (s == null) {
                return null;
            }
            sliceHeap[s] = h;
            for (int i = 0; i < SLICE; i++) {
                free.add(s * SLICE + i);
            }
        }
        int page = free.pollFirst();
        sliceInUse[page / SLICE]++;
        return page;
    }

    @Override
    protected void returnToPool(int index) {
        int s = index / SLICE;
        TreeSet<Integer> free = freeIn.get(sliceHeap[s]);
        free.add(index);
        if (--sliceInUse[s] == 0) {
            for (int i = 0; i < SLICE; i++) {
                free.remove(s * SLICE + i);
            }
            sliceHeap[s] = -1;
            freeSlices.add(s);
        }
    }

    /** Gives back the kept empty pages of every heap whose thread has ended (its slices go back with them). */
    private void giveBackEndedHeaps() {
        for (int h = 0; h < threads.size(); h++) {
            if (!threads.get(h).isAlive()) {
                for (List<Page> list : lists.get(h)) {
                    for (Page p : List.copyOf(list)) {
                        if (p.count == 0) {
                            releasePage(p);
                        }
                    }
                }
            }
        }
    }

    @Override
    protected void emptied(Page p) {
        if (inUse(p) && !threads.get(p.heap).isAlive()) {
            releasePage(p); // nothing is kept for an ended thread
            return;
        }
        int s = p.index / SLICE;
        if (!trims || trimming || sliceHeap[s] != p.heap || !keptOnly(s)) {
            return;
        }
        trimming = true;
        try {
            for (int t = 0; t < sliceHeap.length; t++) {
                if (t != s && sliceHeap[t] == p.heap && keptOnly(t)) {
                    for (int i = t * SLICE; i < (t + 1) * SLICE; i++) {
                        Page q = pageNumbered(i);
                        if (q != null) {
                            releasePage(q);
                        }
                    }
                }
            }
        } finally {
            trimming = false;
        }
    }

    /** True when slice {@code s} holds pages, every one of them empty (kept). */
    private boolean keptOnly(int s) {
        if (sliceInUse[s] == 0) {
            return false;
        }
        for (int i = s * SLICE; i < (s + 1) * SLICE; i++) {
            Page q = pageNumbered(i);
            if (q != null && q.count > 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Idle, each class of a heap keeps at most one page: of every heap whose thread lives, and of an ended thread's
     * heap that kept pages before its thread ended (they go back when the pool runs out of slices).
     */
    @Override
    public long idleCommittedBound() {
        long perHeap = super.idleCommittedBound();
        synchronized (lockOf(0)) {
            int keeping = 0;
            for (int h = 0; h < threads.size(); h++) {
                if (threads.get(h).isAlive() || lists.get(h).stream().anyMatch(l -> !l.isEmpty())) {
                    keeping++;
                }
            }
            return perHeap * Math.max(1, keeping);
        }
    }
}
