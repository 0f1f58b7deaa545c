package io.vakit.design;

import io.vakit.spi.Allocator;
import java.lang.foreign.MemorySegment;

/** The move a reallocation makes when the block cannot stay where it is, the same in every design that has one. */
public final class Moves {
    private Moves() {}

    /**
     * A new block of {@code newSize} from {@code allocator}, the first {@code min(old, new)} bytes of {@code block}
     * copied into it, then {@code block} freed. If the allocation fails, {@code block} stays live and intact.
     */
    public static MemorySegment byCopy(Allocator allocator, MemorySegment block, long newSize) {
        MemorySegment moved = allocator.allocate(newSize);
        MemorySegment.copy(block, 0, moved, 0, Math.min(block.byteSize(), newSize));
        allocator.free(block);
        return moved;
    }
}
