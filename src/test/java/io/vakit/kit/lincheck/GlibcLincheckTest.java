package io.vakit.kit.lincheck;

import io.vakit.nat.GlibcProvider;
import org.junit.jupiter.api.Test;

/** glibc malloc is linearizable for allocate and free from two threads, in both Lincheck modes. */
public class GlibcLincheckTest extends AllocatorLincheck {
    /** Lincheck's constructor. */
    public GlibcLincheckTest() {
        super(new GlibcProvider());
    }

    @Test
    void stressMode() {
        check(stressOptions(), getClass());
    }

    @Test
    void modelChecking() {
        check(modelCheckingOptions(), getClass());
    }
}
