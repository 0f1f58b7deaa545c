package io.vakit.ds.lincheck;

import io.vakit.ds.Binmap;
import io.vakit.ds.LockedBinmap;
import java.util.BitSet;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * {@link LockedBinmap} is linearizable against a BitSet: find-and-set returns the lowest free bit (or -1), so two
 * threads never claim one bit; clear reports whether the bit was used. 40 bits in 32-bit words: two levels.
 */
@Param(name = "bit", gen = IntGen.class, conf = "0:39")
public class LockedBinmapLincheckTest {
    static final int CAPACITY = 40;
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();
    private final LockedBinmap map = new LockedBinmap(Binmap.allocate(CAPACITY, Binmap.WordSize.W32));

    /** Lincheck makes thousands of instances and closes none: release each binmap when its instance is gone. */
    public LockedBinmapLincheckTest() {
        CLEANER.register(this, map::close);
    }

    /** Claims the lowest free bit. */
    @Operation
    public long findAndSet() {
        return map.findAndSet();
    }

    /** Frees a bit. */
    @Operation
    public boolean clear(@Param(name = "bit") int bit) {
        return map.clear(bit);
    }

    /** Marks a bit used. */
    @Operation
    public boolean set(@Param(name = "bit") int bit) {
        return map.set(bit);
    }

    @Test
    void stressMode() {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        new StressOptions().iterations(scale).invocationsPerIteration(250).threads(3).actorsPerThread(3)
                .sequentialSpecification(Model.class).check(getClass());
    }

    @Test
    void modelChecking() {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        new ModelCheckingOptions().iterations(10 * scale).invocationsPerIteration(200).threads(2).actorsPerThread(3)
                .sequentialSpecification(Model.class).check(getClass());
    }

    /** The sequential specification. */
    public static final class Model {
        private final BitSet bits = new BitSet();

        /** The lowest clear bit, now set; -1 when full. */
        public long findAndSet() {
            int i = bits.nextClearBit(0);
            if (i >= CAPACITY) {
                return -1;
            }
            bits.set(i);
            return i;
        }

        /** Clears; true when it was set. */
        public boolean clear(int bit) {
            boolean was = bits.get(bit);
            bits.clear(bit);
            return was;
        }

        /** Sets; true when it was clear. */
        public boolean set(int bit) {
            boolean was = bits.get(bit);
            bits.set(bit);
            return !was;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Model m && m.bits.equals(bits);
        }

        @Override
        public int hashCode() {
            return bits.hashCode();
        }
    }
}
