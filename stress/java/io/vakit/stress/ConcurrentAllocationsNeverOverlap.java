package io.vakit.stress;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ServiceLoader;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two threads allocating at once never get overlapping blocks, and each reads back what it wrote. Driven through
 * the SPI: the design is {@code -Dvakit.stress.impl} (default {@code glibc}), found with ServiceLoader.
 * r1 = 1 when the blocks overlap; r2 = 1 when a block lost the other thread's pattern.
 */
@JCStressTest
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "disjoint blocks, both intact")
@Outcome(id = "1, .*", expect = Expect.FORBIDDEN, desc = "two threads were given overlapping blocks")
@Outcome(id = ".*, 1", expect = Expect.FORBIDDEN, desc = "a block lost what its thread wrote")
@State
public class ConcurrentAllocationsNeverOverlap {
    private static final AllocatorProvider PROVIDER = provider(System.getProperty("vakit.stress.impl", "glibc"));
    private static final long SIZE = 48;

    private final Allocator allocator = PROVIDER.open();
    private MemorySegment a;
    private MemorySegment b;

    static AllocatorProvider provider(String id) {
        for (AllocatorProvider p : ServiceLoader.load(AllocatorProvider.class)) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalStateException("no AllocatorProvider with id '" + id + "' on the class path");
    }

    @Actor
    public void first() {
        a = allocator.allocate(SIZE).fill((byte) 0x11);
    }

    @Actor
    public void second() {
        b = allocator.allocate(SIZE).fill((byte) 0x22);
    }

    @Arbiter
    public void check(II_Result r) {
        boolean overlap = a.address() < b.address() + SIZE && b.address() < a.address() + SIZE;
        r.r1 = overlap ? 1 : 0;
        r.r2 = intact(a, (byte) 0x11) && intact(b, (byte) 0x22) ? 0 : 1;
        allocator.close();
    }

    private static boolean intact(MemorySegment s, byte value) {
        for (long i = 0; i < SIZE; i++) {
            if (s.get(ValueLayout.JAVA_BYTE, i) != value) {
                return false;
            }
        }
        return true;
    }
}
