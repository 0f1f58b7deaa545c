package io.vakit.design.groups;

import io.vakit.kit.lincheck.AllocatorLincheck;
import io.vakit.kit.lincheck.CloseRaceLincheck;
import io.vakit.kit.lincheck.FreeRaceLincheck;
import io.vakit.kit.lincheck.RaceChecks;
import org.junit.jupiter.api.Test;

/**
 * The groups design is linearizable for allocate, free and owner lookup from two threads, in both Lincheck modes,
 * at a container's refill and empty edges and, on its small configuration, from exhaustion.
 */
public class GroupsLincheckTest extends AllocatorLincheck {
    /** Lincheck's constructor: a small layout, since Lincheck opens one allocator per scenario. */
    public GroupsLincheckTest() {
        super(new GroupsProvider(GroupsConfig.small(22, 4)));
    }

    @Test
    void stressMode() {
        check(stressOptions(), getClass());
    }

    @Test
    void modelChecking() {
        check(modelCheckingOptions().iterations(5 * Integer.getInteger("vakit.lincheck.scale", 1)), getClass());
    }

    @Test
    void fromExhaustion() {
        checkBothModes(AtExhaustion.class, Edges.EXHAUSTION, 2, 1);
    }

    /** The design's small configuration, driven to exhaustion before each scenario. */
    public static class AtExhaustion extends AllocatorLincheck {
        /** Lincheck's constructor. */
        public AtExhaustion() {
            super(new GroupsProvider(), Edges.EXHAUSTION);
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
            super(new GroupsProvider(GroupsConfig.small(22, 4)));
        }
    }

    /** Rules T3 and T4 on the design: frees raced, and queries racing frees. */
    public static class FreeRaces extends FreeRaceLincheck {
        /** Lincheck's constructor. */
        public FreeRaces() {
            super(new GroupsProvider(GroupsConfig.small(22, 4)));
        }
    }
}
