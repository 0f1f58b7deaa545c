package io.vakit.design.sized;

/**
 * The block of one class of the {@code sized} design, as seed 003's code lays it out: a header of three pointers
 * ({@code prev}, {@code next}, {@code raw}) and three indices ({@code used}, {@code count}, {@code free}) whose width
 * follows the slot size (u16 in 2-byte slots, u32 from 4-byte slots up), padded to a multiple of the slot size so
 * every slot is aligned to its size; then the slots. The free list is intrusive: a freed slot holds the index of
 * the next free slot, so the index width is bounded by the slot size.
 *
 * <p>Size 1 is special: a 4 KiB page holds a 32-byte header and 16 groups of 254 bytes, each a 4-byte header and
 * 250 one-byte slots indexed by u8 (sentinel 255): 4000 slots.
 *
 * @param slot the slot size (the class size)
 * @param blockSize the block size, a power of two; blocks are aligned to it
 * @param headerBytes the header, padded
 * @param capacity the slots per block: {@code (blockSize - headerBytes) / slot}
 * @param indexBytes the width of the indices (1 for size 1)
 */
public record SizedLayout(int slot, long blockSize, long headerBytes, long capacity, int indexBytes) {
    /** The header before padding: three 8-byte pointers and three indices. */
    public static long rawHeader(int slot) {
        return 3 * 8 + 3L * indexBytes(slot);
    }

    /** The index width of a slot size: u16 for 2, u32 from 4 up. */
    public static int indexBytes(int slot) {
        return slot == 1 ? 1 : slot == 2 ? 2 : 4;
    }

    /** The largest slot count an index of this width can name, keeping all-ones as the sentinel. */
    public static long indexLimit(int slot) {
        return slot == 1 ? 254 : (1L << (8 * indexBytes(slot))) - 2;
    }

    /** The seed's special page for size 1. */
    public static SizedLayout sizeOne() {
        return new SizedLayout(1, 4096, 96, 4000, 1);
    }

    /** The layout of {@code slot}-byte slots in blocks of {@code blockSize} bytes. */
    public static SizedLayout of(int slot, long blockSize) {
        if (slot == 1) {
            return sizeOne();
        }
        long header = (rawHeader(slot) + slot - 1) / slot * slot;
        return new SizedLayout(slot, blockSize, header, (blockSize - header) / slot, indexBytes(slot));
    }

    /** Usable bytes: slots times slot size. */
    public long usableBytes() {
        return capacity * slot;
    }

    /** The memory ratio the seed prints: block bytes per usable byte. */
    public double memoryRatio() {
        return (double) blockSize / usableBytes();
    }

    /** The address of slot {@code i} relative to the block (size 1: skipping the group headers). */
    public long slotOffset(long i) {
        if (slot == 1) {
            return 32 + (i / 250) * 254 + 4 + i % 250;
        }
        return headerBytes + i * slot;
    }
}
