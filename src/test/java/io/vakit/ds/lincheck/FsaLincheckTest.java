package io.vakit.ds.lincheck;

import io.vakit.ds.Fsa;
import io.vakit.pal.VirtualMemory;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * The FSA is linearizable for allocate and free from several threads: allocate is always "ok", free is "none"
 * when the test holds no item, else "ok" when the item still holds the stamp written at allocation, "corrupt"
 * when another thread was handed the same item.
 */
@Param(name = "size", gen = IntGen.class, conf = "1:100")
public class FsaLincheckTest {
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

    private final Fsa fsa = new Fsa(VirtualMemory.system(), 64 * 1024, 4);
    private final StampedBlocks held = new StampedBlocks();

    /** Lincheck makes thousands of instances and closes none: release each FSA when its instance is gone. */
    public FsaLincheckTest() {
        CLEANER.register(this, fsa::close);
    }

    /** Allocates and stamps an item. */
    @Operation
    public String alloc(@Param(name = "size") int size) {
        held.hold(fsa.allocate(size));
        return "ok";
    }

    /** Frees a held item after checking its stamp. */
    @Operation
    public String free() {
        return held.release(item -> fsa.free(item.address()));
    }

    @Test
    void stressMode() {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        new StressOptions().iterations(scale).invocationsPerIteration(250).threads(2).actorsPerThread(4)
                .sequentialSpecification(HeldBlocksModel.class).check(getClass());
    }

    @Test
    void modelChecking() {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        new ModelCheckingOptions().iterations(5 * scale).invocationsPerIteration(100).threads(2).actorsPerThread(3)
                .sequentialSpecification(HeldBlocksModel.class).check(getClass());
    }
}
