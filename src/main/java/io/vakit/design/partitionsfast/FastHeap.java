package io.vakit.design.partitionsfast;

import io.vakit.design.partitions.PartitionClasses;
import io.vakit.design.partitions.PartitionsConfig;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One thread's memory, which only that thread changes (no lock): per class the page it allocates from, the pages with
 * room, the one empty page it keeps; its slices per partition; its counters. Other threads reach it only through two
 * lock-free stacks: the pages that have remote frees ({@link #notePending(Page)}) and the whole blocks freed remotely
 * ({@link #notePending(WholeBlock)}), which the owner takes whole at its next allocation ({@link #collect}). When the
 * thread has ended, another heap adopts this one ({@link #handOverTo}).
 *
 * <p>Methods that commit or decommit run inside the space's close gate; those named so enter it themselves.
 */
final class FastHeap {
    private static final VarHandle PENDING_PAGES;
    private static final VarHandle PENDING_BLOCKS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PENDING_PAGES = l.findVarHandle(FastHeap.class, "pendingPages", Page.class);
            PENDING_BLOCKS = l.findVarHandle(FastHeap.class, "pendingBlocks", PendingBlock.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A whole block freed by another thread, on its owner's stack. */
    record PendingBlock(WholeBlock block, PendingBlock next) {}

    final Thread thread;
    final AtomicBoolean adopted = new AtomicBoolean();
    /** Per class: the page allocations take from (owner only; the allocator's fast path reads it). */
    final Page[] current = new Page[PartitionClasses.COUNT];
    /** Per class: the one empty page kept committed. */
    final Page[] keptEmpty = new Page[PartitionClasses.COUNT];
    /** True while {@link #trimKeptOnly} gives pages back (their slices' changes start no second trim). */
    private boolean trimming;
    private final List<?>[] room = new List<?>[PartitionClasses.COUNT];
    private final List<?>[] slices = new List<?>[PartitionsConfig.ROWS];
    private final FastSpace space;
    private final FastHeaps heaps;
    private final PartitionClasses classes = new PartitionClasses();
    @SuppressWarnings("unused")
    private volatile Page pendingPages;
    @SuppressWarnings("unused")
    private volatile PendingBlock pendingBlocks;
    /** The page of the last item handed out (never null): a free of an item of it skips the address lookup. */
    Page hot = Page.NONE;
    /** Blocks handed out and freed by this thread (owner only; read by stats when nothing runs). */
    long allocated;
    long allocatedBytes;
    long freed;
    long freedBytes;

    FastHeap(Thread thread, FastSpace space, FastHeaps heaps) {
        this.thread = thread;
        this.space = space;
        this.heaps = heaps;
    }

    // ------------------------------------------------------------------ lists

    @SuppressWarnings("unchecked")
    List<FastSlice> row(int k) {
        if (slices[k] == null) {
            slices[k] = new ArrayList<FastSlice>();
        }
        return (List<FastSlice>) slices[k];
    }

    @SuppressWarnings("unchecked")
    private List<Page> room(int c) {
        if (room[c] == null) {
            room[c] = new ArrayList<Page>();
        }
        return (List<Page>) room[c];
    }

    /** Makes {@code p} (or none) the class's kept empty page. */
    private void keep(int c, Page p) {
        if (keptEmpty[c] != null) {
            keptEmpty[c].kept = false;
            keptEmpty[c].slice.keptPages--;
        }
        keptEmpty[c] = p;
        if (p != null) {
            p.kept = true;
            p.slice.keptPages++;
            trimKeptOnly(p.slice);
        }
    }

    /**
     * Keeps at most one slice per row held by nothing but kept empty pages: when {@code s} has just become such a
     * slice, the kept pages of every other such slice of its row go back (and with them the slices). Without it, a
     * thread whose classes of one row each keep a page in a slice of their own can hold every slice of the row while
     * it has no block live, and no other thread can allocate there (spec/partitions-fast.md, kept pages). In the gate.
     */
    private void trimKeptOnly(FastSlice s) {
        if (trimming || !s.keptOnly()) {
            return;
        }
        List<Page> drop = null; // made only when there is something to drop: emptying a page is on a pair's path
        List<FastSlice> row = row(s.row);
        for (int i = 0; i < row.size(); i++) { // indexed: no iterator on a pair's path
            FastSlice t = row.get(i);
            if (t != s && t.keptOnly()) {
                for (Page p : keptEmpty) {
                    if (p != null && p.slice == t) {
                        drop = drop == null ? new ArrayList<>() : drop;
                        drop.add(p);
                    }
                }
            }
        }
        if (drop == null) {
            return;
        }
        trimming = true;
        try {
            drop.forEach(this::releasePage);
        } finally {
            trimming = false;
        }
    }

    private void setCurrent(int c, Page p) {
        if (current[c] != null) {
            current[c].current = false;
        }
        current[c] = p;
        if (p != null) {
            p.current = true;
        }
    }

    private void addRoom(Page p) {
        if (!p.inRoom && !p.current) {
            room(p.cls).add(p);
            p.inRoom = true;
        }
    }

    /** Every slice of this heap. */
    List<FastSlice> allSlices() {
        List<FastSlice> all = new ArrayList<>();
        for (int k = 0; k < slices.length; k++) {
            if (slices[k] != null) {
                all.addAll(row(k));
            }
        }
        return all;
    }

    // ------------------------------------------------------------------ remote frees

    /** True when other threads freed blocks of this heap that it has not taken back. Any thread. */
    boolean hasPending() {
        return pendingPages != null || pendingBlocks != null;
    }

    /** Another thread made the first remote free of {@code p} since its last collection. */
    void notePending(Page p) {
        Page seen;
        do {
            seen = pendingPages;
            p.nextPending(seen);
        } while (!PENDING_PAGES.compareAndSet(this, seen, p));
    }

    /** Another thread freed whole block {@code b} (claimed PENDING). */
    void notePending(WholeBlock b) {
        PendingBlock seen;
        do {
            seen = pendingBlocks;
        } while (!PENDING_BLOCKS.compareAndSet(this, seen, new PendingBlock(b, seen)));
    }

    /** Takes back every remote free made so far: the items become reusable, the blocks are given back. In the gate. */
    void collect() {
        Page p = (Page) PENDING_PAGES.getAndSet(this, null);
        while (p != null) {
            Page next = p.nextPending();
            p.nextPending(null);
            collectPage(p);
            p = next;
        }
        for (PendingBlock b = (PendingBlock) PENDING_BLOCKS.getAndSet(this, null); b != null; b = b.next()) {
            takeBack(b.block());
        }
    }

    private void collectPage(Page p) {
        if (p.collect() > 0) {
            if (p.used == 0) {
                emptied(p);
            } else {
                addRoom(p);
            }
        }
    }

    private void takeBack(WholeBlock b) {
        if (b.state() == WholeBlock.PENDING) {
            giveBack(b);
        }
    }

    // ------------------------------------------------------------------ pages

    /** A page of class {@code c} with room, now the class's current page. In the gate. */
    Page refill(int c, String op) {
        Page old = current[c];
        if (old != null && old.hasRemote()) {
            // through the stack that announced it: a page taken back behind its announcement's back would be
            // announced again by its next remote free, over the pages announced below it, and those would be lost
            collect();
            if (old.hasRoom()) {
                return old;
            }
        }
        setCurrent(c, null);
        if (old != null && old.hasRoom()) {
            addRoom(old);
        }
        List<Page> r = room(c);
        Page next = null;
        while (!r.isEmpty() && next == null) {
            Page p = r.remove(r.size() - 1);
            p.inRoom = false;
            if (p.hasRoom()) {
                next = p;
            }
        }
        if (next == null) {
            next = newPage(c, op);
        }
        setCurrent(c, next);
        return next;
    }

    /** An item of {@code p} was handed out for {@code size} bytes. Owner only. */
    void handedOut(Page p, long size) {
        hot = p;
        if (p.kept) {
            keep(p.cls, null);
        }
        allocated++;
        allocatedBytes += size;
    }

    /** Item {@code i} of {@code p}, claimed FREED by this (its owner) thread, goes on the local list. */
    void freeLocal(Page p, int i, long size) {
        p.putLocal(i);
        freed++;
        freedBytes += size;
        if (p.used == 0 || !p.inRoom && !p.current) {
            afterFree(p);
        }
    }

    /** {@code p} emptied, or gained room while neither current nor listed. */
    private void afterFree(Page p) {
        if (p.used == 0) {
            if (space.gate.enter()) {
                try {
                    emptied(p);
                } finally {
                    space.gate.exit();
                }
            }
        } else {
            addRoom(p);
        }
    }

    /** {@code p} has no item LIVE or REMOTE: it is the class's kept empty page, or given back. In the gate. */
    private void emptied(Page p) {
        int c = p.cls;
        Page kept = keptEmpty[c];
        if (kept == null) {
            keep(c, p);
            addRoom(p);
        } else if (kept != p) {
            if (p == current[c]) {
                releasePage(kept);
                keep(c, p);
            } else {
                releasePage(p);
            }
        }
    }

    private Page newPage(int c, String op) {
        int k = PartitionClasses.row(c);
        PartSlot slot = takePart(k, op);
        int itemBytes = (int) classes.size(c);
        Page page = new Page(slot.slice, slot.arena, slot.part, c, itemBytes,
                (int) (space.config.partBytes(k) / itemBytes), space.partOffset(slot.slice, slot.arena, slot.part));
        slot.slice.unit(slot.arena, slot.part, page);
        return page;
    }

    private void releasePage(Page p) {
        if (hot == p) {
            hot = Page.NONE;
        }
        if (p.inRoom) {
            room(p.cls).remove(p);
            p.inRoom = false;
        }
        if (current[p.cls] == p) {
            setCurrent(p.cls, null);
        }
        if (p.kept) {
            keep(p.cls, null);
        }
        givePartBack(p.slice, p.arena, p.part, null);
    }

    // ------------------------------------------------------------------ parts, arenas, slices

    private record PartSlot(FastSlice slice, int arena, int part) {}

    /** A part of row {@code k}, taken and committed; nothing is left changed if a step fails. In the gate. */
    private PartSlot takePart(int k, String op) {
        while (true) {
            for (FastSlice s : row(k)) {
                for (int a = 0; a < s.arenaCount(); a++) {
                    if (s.arenaKind[a] == FastSlice.PARTS && s.partsTaken[a] != -1L) {
                        return commitPart(s, a, Long.numberOfTrailingZeros(~s.partsTaken[a]), false, op);
                    }
                }
            }
            for (FastSlice s : row(k)) {
                for (int a = 0; a < s.arenaCount(); a++) {
                    if (s.arenaKind[a] == FastSlice.FREE) {
                        s.arenaKind[a] = FastSlice.PARTS;
                        return commitPart(s, a, 0, true, op);
                    }
                }
            }
            growSlices(k, op);
        }
    }

    private PartSlot commitPart(FastSlice s, int a, int p, boolean newArena, String op) {
        try {
            space.commit(space.partOffset(s, a, p), space.config.partBytes(s.row), op);
        } catch (RuntimeException e) {
            if (newArena) {
                s.arenaKind[a] = FastSlice.FREE;
            }
            if (s.unitsInUse == 0) {
                dropSlice(s); // claimed for this request
            }
            throw e;
        }
        s.partsTaken[a] |= 1L << p;
        s.unitsInUse++;
        return new PartSlot(s, a, p);
    }

    /** A whole part of row {@code k} as one block. In the gate. */
    WholeBlock partBlock(int k, String op) {
        PartSlot slot = takePart(k, op);
        WholeBlock b = new WholeBlock(slot.slice, slot.arena, slot.part,
                space.partOffset(slot.slice, slot.arena, slot.part), space.config.partBytes(k));
        slot.slice.unit(slot.arena, slot.part, b);
        return b;
    }

    /** A whole arena of row {@code k} as one block, committed. In the gate. */
    WholeBlock wholeArena(int k, String op) {
        while (true) {
            for (FastSlice s : row(k)) {
                for (int a = 0; a < s.arenaCount(); a++) {
                    if (s.arenaKind[a] == FastSlice.FREE) {
                        return commitArena(s, a, op);
                    }
                }
            }
            growSlices(k, op);
        }
    }

    private WholeBlock commitArena(FastSlice s, int a, String op) {
        long bytes = space.config.arenaBytes(s.row);
        long offset = s.offset + a * bytes;
        try {
            space.commit(offset, bytes, op);
        } catch (RuntimeException e) {
            if (s.unitsInUse == 0) {
                dropSlice(s);
            }
            throw e;
        }
        s.arenaKind[a] = FastSlice.WHOLE;
        s.unitsInUse++;
        WholeBlock b = new WholeBlock(s, a, -1, offset, bytes);
        for (int p = 0; p < FastSpace.PARTS; p++) {
            s.unit(a, p, b);
        }
        return b;
    }

    /**
     * Gives back a whole block claimed FREE (or PENDING, collected). In the gate. The block stays in its slots, gone,
     * until a new unit takes them: a second free of it is then told apart as DOUBLE while its slice or arena is held.
     */
    void giveBack(WholeBlock b) {
        b.gone();
        FastSlice s = b.slice;
        if (b.wholeArena()) {
            space.decommit(b.offset, b.bytes);
            s.arenaKind[b.arena] = FastSlice.FREE;
            unitGone(s);
        } else {
            givePartBack(s, b.arena, b.part, b);
        }
    }

    /** Decommits a part and marks it free; {@code gone} (a given-back block, or null) stays in its slot. */
    private void givePartBack(FastSlice s, int a, int p, WholeBlock gone) {
        space.decommit(space.partOffset(s, a, p), space.config.partBytes(s.row));
        s.unit(a, p, gone);
        s.partsTaken[a] &= ~(1L << p);
        if (s.partsTaken[a] == 0) {
            s.arenaKind[a] = FastSlice.FREE;
        }
        unitGone(s);
    }

    private void unitGone(FastSlice s) {
        s.unitsInUse--;
        if (s.unitsInUse == 0) {
            dropSlice(s);
        } else {
            trimKeptOnly(s);
        }
    }

    private void dropSlice(FastSlice s) {
        row(s.row).remove(s);
        space.releaseSlice(s);
    }

    /** One more slice of partition {@code k}: adopted from an ended thread, or claimed; else exhaustion. */
    private void growSlices(int k, String op) {
        int before = row(k).size();
        heaps.adoptEnded(this);
        if (row(k).size() > before) {
            return;
        }
        FastSlice s = space.claimSlice(k, this);
        if (s == null) {
            throw space.exhausted(op, "every slice of partition " + k + " (" + space.config.slices()
                    + ") is owned by a thread", null);
        }
        row(k).add(s);
    }

    // ------------------------------------------------------------------ adoption

    /**
     * Hands this heap, whose thread has ended, to {@code into} (run by {@code into}'s thread, in the gate): its slices
     * become {@code into}'s first, then every remote free made of its blocks is taken back (those announced on this
     * heap's stacks and, by a scan, those whose announcement may still be on its way here), its kept empty pages are
     * given back, its other pages join {@code into}'s pages with room, and its counters are added to {@code into}'s.
     */
    void handOverTo(FastHeap into) {
        List<FastSlice> all = allSlices();
        for (FastSlice s : all) {
            s.owner = into;
        }
        for (int k = 0; k < slices.length; k++) {
            if (slices[k] != null) {
                into.row(k).addAll(row(k));
                row(k).clear();
            }
        }
        for (int c = 0; c < PartitionClasses.COUNT; c++) {
            Page kept = keptEmpty[c];
            keep(c, null);
            Page was = current[c];
            setCurrent(c, null);
            if (was != null && was != kept) {
                into.addRoom(was);
            }
            if (room[c] != null) {
                for (Page p : room(c)) {
                    p.inRoom = false;
                    if (p != kept) {
                        into.addRoom(p);
                    }
                }
                room(c).clear();
            }
            if (kept != null) {
                kept.inRoom = false;
                into.releasePage(kept);
            }
        }
        // the stacks first, then a scan for frees whose announcement read the old owner
        PENDING_PAGES.getAndSet(this, null); // the scan below collects them all
        PENDING_BLOCKS.getAndSet(this, null);
        for (FastSlice s : all) {
            for (int u = 0; u < s.unitCount(); u++) {
                Object unit = s.unit(u);
                if (unit instanceof Page page && page.hasRemote()) {
                    into.collectPage(page);
                } else if (unit instanceof WholeBlock b && u % FastSpace.PARTS == Math.max(0, b.part)
                        && b.state() == WholeBlock.PENDING) {
                    into.giveBack(b);
                }
            }
        }
        into.allocated += allocated;
        into.allocatedBytes += allocatedBytes;
        into.freed += freed;
        into.freedBytes += freedBytes;
        allocated = allocatedBytes = freed = freedBytes = 0;
    }

    // ------------------------------------------------------------------ what it keeps (read when nothing runs)

    /** The bytes of the empty pages it keeps, one per class at most. */
    long keptBytes() {
        long kept = 0;
        for (Page p : keptEmpty) {
            kept += p == null ? 0 : space.config.partBytes(p.slice.row);
        }
        return kept;
    }

    /**
     * The bytes of the units announced on its stacks and not taken back yet: the pages other threads freed items of
     * (each announced once, by the free that found its remote stack empty) and the PENDING whole blocks. What is on
     * the stacks, not what the slices hold: a page whose announcement was lost is never taken back, and is not
     * counted here either (its memory then shows above the idle bound).
     */
    long pendingBytes() {
        long bytes = 0;
        Set<Page> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Page p = pendingPages; p != null && seen.add(p); p = p.nextPending()) {
            bytes += space.config.partBytes(p.slice.row);
        }
        for (PendingBlock b = pendingBlocks; b != null; b = b.next()) {
            bytes += b.block().bytes;
        }
        return bytes;
    }
}
