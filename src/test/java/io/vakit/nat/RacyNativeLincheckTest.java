package io.vakit.nat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.kit.lincheck.AllocatorLincheck;
import org.junit.jupiter.api.Test;

/** A C allocator with an unsynchronised free list, declared thread-safe, is caught by Lincheck's stress mode. */
public class RacyNativeLincheckTest extends AllocatorLincheck {
    /** Lincheck's constructor. */
    public RacyNativeLincheckTest() {
        super(BrokenNativeLibrary.racy(), 64); // its pool serves 64-byte slots only
    }

    @Test
    void stressModeCatchesTheRace() {
        assertThatThrownBy(() -> check(stressOptions(), getClass())).isInstanceOf(LincheckFailed.class)
                .satisfies(e -> System.out.println("Lincheck rejected broken-native-racy:\n" + e.getMessage()))
                .satisfies(e -> {
                    io.vakit.kit.lincheck.LincheckVerdict v = ((LincheckFailed) e).verdict();
                    org.assertj.core.api.Assertions.assertThat(v.implementations()).as(v.headline()).isTrue();
                    org.assertj.core.api.Assertions.assertThat(v.kind()).isIn("invalid execution results",
                            "validation failure");
                })
                .hasMessageNotContaining("AddressSpaceExhausted"); // the race, not a drained pool
    }
}
