package io.vakit.design.arenas;

import io.vakit.kit.lincheck.AllocatorLincheck;
import io.vakit.kit.lincheck.CloseRaceLincheck;
import io.vakit.kit.lincheck.FreeRaceLincheck;
import io.vakit.kit.lincheck.RaceChecks;
import org.junit.jupiter.api.Test;

/**
 * The arenas design is linearizable for allocate, free and owner lookup from two threads, in both Lincheck modes,
 * at a slab reservation's refill and empty edges and from exhaustion of its small configuration; and so is the
 * seed's default allocator, at its one reservation's.
 */
public class ArenasLincheckTest extends AllocatorLincheck {
    /**
     * Lincheck's constructor: the small configuration's reservations (an eighth of the seed's, the same code), so a
     * slab reservation fills in 256 slots before every scenario.
     */
    public ArenasLincheckTest() {
        super(new ArenasProvider(ArenasConfig.small()));
    }

    @Test
    void bothModes() {
        checkBothModes(getClass(), Edges.REFILL, 2, 2);
    }

    @Test
    void fromExhaustion() {
        checkBothModes(AtExhaustion.class, Edges.EXHAUSTION, 1, 1);
    }

    @Test
    void theDefaultAllocator() {
        checkBothModes(Default.class, Edges.REFILL, 1, 1);
    }

    /** The design's small configuration, driven to exhaustion before each scenario. */
    public static class AtExhaustion extends AllocatorLincheck {
        /** Lincheck's constructor. */
        public AtExhaustion() {
            super(new ArenasProvider(), Edges.EXHAUSTION);
        }
    }

    /** {@code arenas-default} over a 64 MiB reservation: Lincheck opens one allocator per scenario. */
    public static class Default extends AllocatorLincheck {
        /** Lincheck's constructor. */
        public Default() {
            super(new ArenasDefaultProvider(io.vakit.pal.VirtualMemory.system(), 64L << 20));
        }
    }

    @Test
    void races() {
        RaceChecks.check(CloseRaces.class, FreeRaces.class);
    }

    /** Rule T2 on the design: close racing every call. */
    public static class CloseRaces extends CloseRaceLincheck {
        /** Lincheck's constructor. */
        public CloseRaces() {
            super(new ArenasProvider(ArenasConfig.small()));
        }
    }

    /** Rules T3 and T4 on the design: frees raced, and queries racing frees. */
    public static class FreeRaces extends FreeRaceLincheck {
        /** Lincheck's constructor. */
        public FreeRaces() {
            super(new ArenasProvider(ArenasConfig.small()));
        }
    }
}
