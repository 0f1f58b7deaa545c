package io.vakit.design.partitions;

import io.vakit.spi.BlockInfo;
import io.vakit.spi.InvalidFreeException;
import io.vakit.spi.InvalidFreeException.Reason;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Finds a block from its address, by arithmetic alone: the partition from the address range, then the slice, arena
 * and part by dividing down ({@link #locate}); then, under the owner's lock, what the unit there holds
 * ({@link #unitAt}), decoded once for a free's checks ({@link #requireLive}) and for the queries
 * ({@link #liveCovering}).
 */
final class BlockLocator {
    private final PartitionsConfig config;
    private final PartitionsSpace space;

    BlockLocator(PartitionsSpace space) {
        this.config = space.config;
        this.space = space;
    }

    /** An address in the partitions: partition, slice, arena, part, and the offset from the reservation's base. */
    record Where(int k, int s, int a, int p, long offset) {}

    /**
     * The unit holding an address: its kind (Slice.WHOLE, PART or POOL; FREE for a free arena or part, or an address
     * past a pool's last item), its arena and part in the slice, the start and usable size of its block (the item's,
     * for a pool; a free arena's or part's own start), the block's class (-1 beyond the table), the pool and item,
     * whether the block is live, and whether a block that is not live started there: one handed out and freed since
     * (a second free of it is a double free, and refused as one while its arena or slice holds the unit).
     */
    record Unit(byte kind, int a, int p, long start, long usable, int cls, Pool pool, int item, boolean live,
            boolean held, String name) {
        boolean free() {
            return kind == Slice.FREE;
        }
    }

    /** The reservation's base address. */
    long base() {
        return space.main.base();
    }

    /** Where {@code address} is, or null outside the partitions (or in a gap between two). */
    Where locate(long address) {
        long off = address - base();
        if (off < 0 || off >= space.main.size()) {
            return null;
        }
        int k = config.partitionOf(off);
        if (k < 0) {
            return null;
        }
        long inPartition = off - config.partitionOffset(k);
        int s = (int) (inPartition / config.sliceBytes(k));
        long inSlice = inPartition - s * config.sliceBytes(k);
        int a = (int) (inSlice / config.arenaBytes(k));
        int p = (int) ((inSlice - a * config.arenaBytes(k)) / config.partBytes(k));
        return new Where(k, s, a, p, off);
    }

    /** The offset of part {@code p} of arena {@code a} of {@code s}. */
    long partOffset(Slice s, int a, int p) {
        return s.offset + a * config.arenaBytes(s.row) + p * config.partBytes(s.row);
    }

    /** The unit of {@code s} holding {@code w}; the owner's lock is held. */
    Unit unitAt(Slice s, Where w) {
        Slice.Arena arena = s.arena(w.a());
        long arenaStart = s.offset + w.a() * config.arenaBytes(w.k());
        switch (arena.kind) {
            case Slice.WHOLE -> {
                return new Unit(Slice.WHOLE, w.a(), 0, arenaStart, config.arenaBytes(w.k()), -1, null, 0,
                        arena.state == Slice.LIVE, true, arenaName(arenaStart));
            }
            case Slice.PARTS -> {
                Slice.Part part = arena.part(w.p());
                long partStart = partOffset(s, w.a(), w.p());
                String name = "the part at 0x" + Long.toHexString(base() + partStart);
                if (part.kind == Slice.PART) {
                    return new Unit(Slice.PART, w.a(), w.p(), partStart, config.partBytes(w.k()), -1, null, 0,
                            part.state == Slice.LIVE, true, name);
                }
                if (part.kind != Slice.POOL) {
                    return free(partStart, part.handedOut, "part " + w.p() + " of arena " + w.a() + " is free");
                }
                Pool pool = part.pool;
                long i = (w.offset() - partStart) / pool.itemBytes;
                if (i >= pool.capacity) {
                    return free(-1, false, "past the last item of the pool at 0x"
                            + Long.toHexString(base() + partStart));
                }
                return new Unit(Slice.POOL, w.a(), w.p(), partStart + i * pool.itemBytes, pool.itemBytes, pool.cls,
                        pool, (int) i, pool.live.get(i), i < pool.handedOut, "item " + i + " of " + pool.itemBytes
                                + " bytes of the pool at 0x" + Long.toHexString(base() + partStart));
            }
            default -> {
                return free(arenaStart, arena.handedOut, "arena " + w.a() + " of slice " + w.s() + " of partition "
                        + w.k() + " is free");
            }
        }
    }

    private String arenaName(long arenaStart) {
        return "the arena at 0x" + Long.toHexString(base() + arenaStart);
    }

    /** A free unit starting at {@code start} (-1: none), where a block started once when {@code handedOut}. */
    private static Unit free(long start, boolean handedOut, String why) {
        return new Unit(Slice.FREE, -1, -1, start, 0, -1, null, 0, false, handedOut, why);
    }

    /**
     * The live block that starts at {@code w}; the owner's lock is held.
     *
     * @throws InvalidFreeException for an address where no live block starts
     */
    Unit requireLive(Slice s, Where w, String op) {
        Unit u = unitAt(s, w);
        if (u.free()) {
            boolean freed = u.held() && w.offset() == u.start();
            throw refusal(op, freed ? Reason.DOUBLE : Reason.UNKNOWN, u.name() + (freed ? ", and its block was freed"
                    : ""));
        }
        if (w.offset() != u.start()) {
            throw refusal(op, u.live() ? Reason.INTERIOR : Reason.UNKNOWN, "inside " + u.name());
        }
        if (!u.live()) {
            throw refusal(op, u.held() ? Reason.DOUBLE : Reason.UNKNOWN, u.name() + " is not live"
                    + (u.held() ? " (handed out, and freed)" : ""));
        }
        return u;
    }

    /** The live block covering {@code w}, or empty; the owner's lock is held. */
    Optional<BlockInfo> liveCovering(Slice s, Where w) {
        Unit u = unitAt(s, w);
        return u.live() ? Optional.of(new BlockInfo(base() + u.start(), u.usable(), u.cls())) : Optional.empty();
    }

    /**
     * Runs {@code body} on the block starting at {@code w}, under its owner's lock (re-read until it holds).
     *
     * @throws InvalidFreeException when no thread owns the block's slice
     */
    <T> T withOwner(Where w, String op, BiFunction<ThreadHeap, Slice, T> body) {
        return withOwner(w, () -> {
            throw refusal(op, Reason.UNKNOWN, "slice " + w.s() + " of partition " + w.k() + " is owned by no thread");
        }, body);
    }

    /**
     * Runs {@code body} under the owner's lock of the slice holding {@code w}, or answers {@code unowned} when no
     * thread owns it: checked again under the lock, since a slice can be given back between any two reads.
     */
    <T> T withOwner(Where w, Supplier<T> unowned, BiFunction<ThreadHeap, Slice, T> body) {
        while (true) {
            Slice s = space.slice(w.k(), w.s());
            if (s == null) {
                return unowned.get();
            }
            ThreadHeap owner = s.owner;
            owner.lock.lock();
            try {
                if (space.slice(w.k(), w.s()) != s || s.owner != owner) {
                    continue; // adopted, or given back and claimed again, while we waited
                }
                return body.apply(owner, s);
            } finally {
                owner.lock.unlock();
            }
        }
    }

    InvalidFreeException refusal(String op, Reason reason, String detail) {
        return new InvalidFreeException(space.design, op, reason, detail);
    }
}
