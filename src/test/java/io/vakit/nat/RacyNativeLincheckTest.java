package io.vakit.nat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.kit.lincheck.AllocatorLincheck;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.junit.jupiter.api.Test;

/** A C allocator with an unsynchronised free list, declared thread-safe, is caught by Lincheck's stress mode. */
public class RacyNativeLincheckTest extends AllocatorLincheck {
    /** Lincheck's constructor. */
    public RacyNativeLincheckTest() {
        super(BrokenNativeLibrary.racy(), 64); // its pool serves 64-byte slots only
    }

    @Test
    void stressModeCatchesTheRace() {
        assertThatThrownBy(() -> stressOptions().check(getClass())).isInstanceOf(LincheckAssertionError.class)
                .satisfies(e -> System.out.println("Lincheck rejected broken-native-racy:\n" + e.getMessage()))
                .hasMessageFindingMatch("Invalid execution results|Validation function liveCountAgrees has failed")
                .hasMessageNotContaining("AddressSpaceExhausted"); // the race, not a drained pool
    }
}
