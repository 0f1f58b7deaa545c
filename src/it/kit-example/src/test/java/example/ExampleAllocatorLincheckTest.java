package example;

import io.vakit.design.sized.SizedProvider;
import io.vakit.kit.lincheck.AllocatorLincheck;
import org.junit.jupiter.api.Test;

/** Another project's concurrency check of its allocator, through the kit's Lincheck extension point. */
public class ExampleAllocatorLincheckTest extends AllocatorLincheck {
    /** Lincheck's constructor. */
    public ExampleAllocatorLincheckTest() {
        super(new SizedProvider());
    }

    @Test
    void stressMode() {
        stressOptions().iterations(5).check(getClass()); // a project sizes the runs to its own build
    }

    @Test
    void modelChecking() {
        modelCheckingOptions().iterations(2).check(getClass());
    }
}
