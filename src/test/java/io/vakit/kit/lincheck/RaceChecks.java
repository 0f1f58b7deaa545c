package io.vakit.kit.lincheck;

/**
 * Runs the race checks of a design (rules T2 to T4) as its Lincheck test does in {@code mvn verify}: model checking
 * of the close race and of the free races (each with its custom scenarios, where the races sit), then stress of the
 * close race, whose crash model checking may not reach. Scale with {@code -Dvakit.lincheck.scale}.
 */
public final class RaceChecks {
    private RaceChecks() {}

    /** Checks {@code closeRaces} and {@code freeRaces}, each a test class of the design under Lincheck. */
    public static void check(Class<? extends CloseRaceLincheck> closeRaces, Class<? extends FreeRaceLincheck> freeRaces) {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        AllocatorLincheck.check(CloseRaceLincheck.modelCheckingOptions(scale), closeRaces);
        AllocatorLincheck.check(FreeRaceLincheck.modelCheckingOptions(scale), freeRaces);
        AllocatorLincheck.check(CloseRaceLincheck.stressOptions(scale), closeRaces);
    }
}
