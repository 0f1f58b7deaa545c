package io.vakit.design.arenas;

import io.vakit.pal.VirtualMemory;
import java.util.List;

/**
 * How an {@code arenas} allocator is built: the bytes of one reservation of each of the eight arenas, the most
 * address space its reservations may take together, and where address space comes from.
 *
 * @param reservationBytes eight powers of two, one per arena; each at least the arena's largest request
 * @param budget the most bytes all reservations together may span
 * @param vm the virtual memory (a fault plan may be behind it)
 */
public record ArenasConfig(List<Long> reservationBytes, long budget, VirtualMemory vm) {
    private static final long MIB = 1L << 20;

    /** Validates. */
    public ArenasConfig {
        reservationBytes = List.copyOf(reservationBytes);
        if (reservationBytes.size() != ArenaClasses.ARENAS.size()) {
            throw new IllegalArgumentException("reservationBytes: one per arena, " + ArenaClasses.ARENAS.size());
        }
        for (int i = 0; i < reservationBytes.size(); i++) {
            long r = reservationBytes.get(i);
            if (Long.bitCount(r) != 1 || r < VirtualMemory.pageSize()) {
                throw new IllegalArgumentException("reservationBytes[" + i + "] = " + r + ": a power of two, a page"
                        + " at least");
            }
        }
        if (budget <= 0) {
            throw new IllegalArgumentException("budget=" + budget + ": must be positive");
        }
    }

    /** The seed's reservations (2 MiB to 512 MiB, 2 GiB for the last arena) and a 1 TiB budget. */
    public static ArenasConfig defaults() {
        return new ArenasConfig(ArenaClasses.ARENAS.stream().map(ArenaClasses.Arena::reservation).toList(), 1L << 40,
                VirtualMemory.system());
    }

    /**
     * The small configuration: every reservation an eighth of the seed's, and a budget of 4 MiB, which the three
     * last arenas' reservations (8, 64 and 256 MiB) exceed: it serves requests up to 64 KiB, and runs out.
     */
    public static ArenasConfig small() {
        return new ArenasConfig(ArenaClasses.ARENAS.stream().map(a -> a.reservation() / 8).toList(), 4 * MIB,
                VirtualMemory.system());
    }

    /** The same layout on another virtual memory. */
    public ArenasConfig withVm(VirtualMemory other) {
        return new ArenasConfig(reservationBytes, budget, other);
    }

    /** The same layout with another budget. */
    public ArenasConfig withBudget(long other) {
        return new ArenasConfig(reservationBytes, other, vm);
    }

    /** The bytes of one reservation of arena {@code arena}. */
    public long reservation(int arena) {
        return reservationBytes.get(arena);
    }

    /**
     * The largest request this configuration serves: the largest arena maximum whose reservation fits the budget (a
     * request the last arena serves may take its whole reservation).
     */
    public long maxRequest() {
        long max = 0;
        for (ArenaClasses.Arena a : ArenaClasses.ARENAS) {
            long res = reservation(a.index());
            if (res <= budget) {
                max = Math.max(max, Math.min(a.maxSize(), res));
            }
        }
        return max;
    }
}
