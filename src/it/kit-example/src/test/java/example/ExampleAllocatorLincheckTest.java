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
        stressOptions().check(getClass());
    }

    @Test
    void modelChecking() {
        modelCheckingOptions().check(getClass());
    }
}
