package io.vakit.stress;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Two threads allocate at once from one allocator of a design (found by id through the SPI); the arbiter reports
 * r1 = 1 when the blocks overlap and r2 = 1 when a block lost what its thread wrote. Each JCStress test class
 * holds one probe per state.
 */
public final class OverlapProbe {
    private static final long SIZE = 48;

    private final Allocator allocator;
    private MemorySegment a;
    private MemorySegment b;

    /** A probe on a fresh allocator of design {@code id}. */
    public OverlapProbe(String id) {
        this(provider(id).open());
    }

    /** A probe on {@code allocator}, which it closes when judging. */
    public OverlapProbe(Allocator allocator) {
        this.allocator = allocator;
    }

    static AllocatorProvider provider(String id) {
        for (AllocatorProvider p : io.vakit.spi.ProviderSource.all()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        throw new IllegalStateException("no AllocatorProvider with id '" + id + "' on the class path");
    }

    /** The first thread's allocation. */
    public void first() {
        a = allocator.allocate(SIZE).fill((byte) 0x11);
    }

    /** The second thread's allocation. */
    public void second() {
        b = allocator.allocate(SIZE).fill((byte) 0x22);
    }

    /** Judges, then closes the allocator. */
    public void judge(II_Result r) {
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
