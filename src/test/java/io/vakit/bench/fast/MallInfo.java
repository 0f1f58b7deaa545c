package io.vakit.bench.fast;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** glibc's {@code struct mallinfo2 mallinfo2(void)}: ten size_t counters of the main and other arenas. */
final class MallInfo {
    private static final MemoryLayout LAYOUT = MemoryLayout.structLayout(ValueLayout.JAVA_LONG.withName("arena"),
            ValueLayout.JAVA_LONG.withName("ordblks"), ValueLayout.JAVA_LONG.withName("smblks"),
            ValueLayout.JAVA_LONG.withName("hblks"), ValueLayout.JAVA_LONG.withName("hblkhd"),
            ValueLayout.JAVA_LONG.withName("usmblks"), ValueLayout.JAVA_LONG.withName("fsmblks"),
            ValueLayout.JAVA_LONG.withName("uordblks"), ValueLayout.JAVA_LONG.withName("fordblks"),
            ValueLayout.JAVA_LONG.withName("keepcost"));
    private static final MethodHandle MALLINFO2 = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("mallinfo2"), FunctionDescriptor.of(LAYOUT));

    private MallInfo() {}

    /** (arena + hblkhd) / (uordblks + hblkhd): the bytes glibc holds from the system over those in use. */
    static double committedOverLive() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment m = (MemorySegment) MALLINFO2.invokeExact((java.lang.foreign.SegmentAllocator) a);
            long arena = m.getAtIndex(ValueLayout.JAVA_LONG, 0);
            long hblkhd = m.getAtIndex(ValueLayout.JAVA_LONG, 4);
            long uordblks = m.getAtIndex(ValueLayout.JAVA_LONG, 7);
            return (double) (arena + hblkhd) / Math.max(1, uordblks + hblkhd);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
