package io.vakit.design.groups;

import io.vakit.kit.lincheck.AllocatorLincheck;
import org.junit.jupiter.api.Test;

/** The groups design is linearizable for allocate and free from two threads, in both Lincheck modes. */
public class GroupsLincheckTest extends AllocatorLincheck {
    /** Lincheck's constructor: a small layout, since Lincheck opens one allocator per scenario. */
    public GroupsLincheckTest() {
        super(new GroupsProvider(GroupsConfig.small(22, 4)));
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
