package io.vakit.design.chunks;

import io.vakit.kit.lincheck.AllocatorLincheck;
import io.vakit.kit.lincheck.CloseRaceLincheck;
import io.vakit.kit.lincheck.FreeRaceLincheck;
import io.vakit.kit.lincheck.RaceChecks;
import org.junit.jupiter.api.Test;

/**
 * The chunks design is linearizable for allocate, free and owner lookup from two threads, in both Lincheck modes, at
 * an item chunk's full and empty edges and from exhaustion of its small configuration.
 */
public class ChunksLincheckTest extends AllocatorLincheck {
    /**
     * Lincheck's constructor: the small configuration (4 regions of 16 blocks, the same code as the seed's scale), so
     * opening one allocator per scenario stays cheap.
     */
    public ChunksLincheckTest() {
        super(new ChunksProvider(ChunksConfig.small()));
    }

    @Test
    void bothModes() {
        checkBothModes(getClass(), Edges.REFILL, 2, 2);
    }

    @Test
    void fromExhaustion() {
        checkBothModes(AtExhaustion.class, Edges.EXHAUSTION, 1, 1);
    }

    /** The design's small configuration, driven to exhaustion before each scenario. */
    public static class AtExhaustion extends AllocatorLincheck {
        /** Lincheck's constructor. */
        public AtExhaustion() {
            super(new ChunksProvider(), Edges.EXHAUSTION);
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
            super(new ChunksProvider(ChunksConfig.small()));
        }
    }

    /** Rules T3 and T4 on the design: frees raced, and queries racing frees. */
    public static class FreeRaces extends FreeRaceLincheck {
        /** Lincheck's constructor. */
        public FreeRaces() {
            super(new ChunksProvider(ChunksConfig.small()));
        }
    }
}
