package io.vakit.design.sized;

import io.vakit.kit.lincheck.AllocatorLincheck;
import org.junit.jupiter.api.Test;

/** The sized design is linearizable for allocate and free from two threads, in both Lincheck modes. */
public class SizedLincheckTest extends AllocatorLincheck {
    /** Lincheck's constructor. */
    public SizedLincheckTest() {
        super(new SizedProvider(new SizedAllocator.Options(SizedConfig.defaults(), 1, ReleasePolicy.SEED,
                io.vakit.pal.VirtualMemory.system(), 1L << 40)));
    }

    @Test
    void stressMode() {
        stressOptions().check(getClass());
    }

    @Test
    void modelChecking() {
        modelCheckingOptions().iterations(5 * Integer.getInteger("vakit.lincheck.scale", 1)).check(getClass());
    }
}
