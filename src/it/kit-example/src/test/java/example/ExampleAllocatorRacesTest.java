package example;

import io.vakit.design.sized.SizedProvider;
import io.vakit.kit.lincheck.CloseRaceLincheck;
import io.vakit.kit.lincheck.FreeRaceLincheck;
import io.vakit.kit.lincheck.RaceChecks;
import org.junit.jupiter.api.Test;

/** Another project's race checks of its allocator (T2 close racing every call, T3 and T4 frees and queries raced). */
class ExampleAllocatorRacesTest {
    /** Lincheck's test class for the close race. */
    public static class CloseRaces extends CloseRaceLincheck {
        /** Lincheck's constructor. */
        public CloseRaces() {
            super(new SizedProvider());
        }
    }

    /** Lincheck's test class for the free and query races. */
    public static class FreeRaces extends FreeRaceLincheck {
        /** Lincheck's constructor. */
        public FreeRaces() {
            super(new SizedProvider());
        }
    }

    @Test
    void races() {
        RaceChecks.check(CloseRaces.class, FreeRaces.class);
    }
}
