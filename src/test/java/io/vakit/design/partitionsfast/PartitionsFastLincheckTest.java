package io.vakit.design.partitionsfast;

import io.vakit.design.partitions.PartitionsConfig;
import io.vakit.kit.lincheck.AllocatorLincheck;
import io.vakit.kit.lincheck.CloseRaceLincheck;
import io.vakit.kit.lincheck.FreeRaceLincheck;
import io.vakit.kit.lincheck.RaceChecks;
import org.junit.jupiter.api.Test;

/**
 * The partitions-fast design is linearizable for allocate, free and owner lookup from two threads, in both Lincheck modes:
 * the setup's blocks (handles 0 to 3) were allocated by the thread that built the scenario, so every free of them is
 * a free from another thread, deferred to an owner that never takes it back while the scenario runs; at a pool's full
 * and empty edges, and from exhaustion of the small configuration.
 */
public class PartitionsFastLincheckTest extends AllocatorLincheck {
    /** Lincheck's constructor: the small configuration. */
    public PartitionsFastLincheckTest() {
        super(new PartitionsFastProvider(PartitionsConfig.small()));
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
            super(new PartitionsFastProvider(), Edges.EXHAUSTION);
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
            super(new PartitionsFastProvider(PartitionsConfig.small()));
        }
    }

    /** Rules T3 and T4 on the design: frees raced, and queries racing frees. */
    public static class FreeRaces extends FreeRaceLincheck {
        /** Lincheck's constructor. */
        public FreeRaces() {
            super(new PartitionsFastProvider(PartitionsConfig.small()));
        }
    }
}
