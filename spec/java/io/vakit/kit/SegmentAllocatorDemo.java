package io.vakit.kit;

import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.InvalidFreeException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;

/**
 * A design used as a JVM developer uses it: an off-heap {@link SegmentAllocator} that gives blocks back one by one.
 * {@code mvn -q compile exec:java@kit -Dvakit.args="demo partitions-fast"} runs it and prints what each step saw; the
 * README's quick start is this code.
 */
public final class SegmentAllocatorDemo {
    private SegmentAllocatorDemo() {}

    /** Opens {@code provider}'s allocator, uses it, misuses it once, and closes it, printing each step on {@code out}. */
    public static void run(AllocatorProvider provider, PrintStream out) throws InterruptedException {
        try (Allocator a = provider.open()) {
            SegmentAllocator segments = a; // every Allocator is a SegmentAllocator
            MemorySegment longs = segments.allocate(ValueLayout.JAVA_LONG, 16);
            longs.setAtIndex(ValueLayout.JAVA_LONG, 15, 42L);
            MemorySegment text = segments.allocateFrom("hello, off-heap");
            out.printf("allocated %d bytes at 0x%x and %d at 0x%x%n", longs.byteSize(), longs.address(),
                    text.byteSize(), text.address());
            a.placement(longs.address()).ifPresent(p -> out.println("placement: " + p));
            out.println("usable size: " + a.usableSize(longs) + " bytes; " + a.stats());
            Thread other = Thread.ofPlatform().start(() -> a.free(longs)); // a free from another thread
            other.join();
            a.free(text);
            out.println("both freed: " + a.stats());
            try {
                a.free(text);
            } catch (InvalidFreeException e) {
                out.println("freed twice: " + e.getClass().getSimpleName() + " (" + e.reason() + "): " + e.getMessage());
            }
        }
    }
}
