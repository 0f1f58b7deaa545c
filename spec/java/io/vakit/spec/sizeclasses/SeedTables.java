package io.vakit.spec.sizeclasses;

import java.util.List;

/**
 * Every size-class table of the seeds, as literal data copied from the seeds' own text (and, where the seed is
 * silent, from the decision in {@code spec/size-classes.md}, marked so). The designs' arithmetic mappings are
 * tested against these.
 */
public final class SeedTables {
    private SeedTables() {}

    /**
     * A row: a class size and how many of it fit its container.
     *
     * @param size the class size in bytes
     * @param perContainer items per chunk, blocks per region, or slots per block
     * @param fromSeed true when the row is the seed's text, false when it is our decision
     */
    public record Row(long size, long perContainer, boolean fromSeed) {}

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final long GIB = 1024 * MIB;

    /**
     * Seed 000 (chunks): "If we make a chunk 4 KiB, we can hold a maximum of 256 elements of size 16 bytes", and the
     * list 1, 2, 4, ..., 128 read as the items per 4 KiB chunk of the classes 4096 B down to 32 B. Rows above 4 KiB
     * are our decision (runs of chunks in a 1 MiB block, runs of blocks in a 256 MiB region: one item each).
     */
    public static final List<Row> CHUNKS = List.of(
            new Row(16, 256, true), new Row(32, 128, true), new Row(64, 64, true), new Row(128, 32, true),
            new Row(256, 16, true), new Row(512, 8, true), new Row(1024, 4, true), new Row(2048, 2, true),
            new Row(4096, 1, true),
            new Row(8 * KIB, 1, false), new Row(16 * KIB, 1, false), new Row(32 * KIB, 1, false),
            new Row(64 * KIB, 1, false), new Row(128 * KIB, 1, false), new Row(256 * KIB, 1, false),
            new Row(512 * KIB, 1, false), new Row(MIB, 1, false), new Row(2 * MIB, 1, false),
            new Row(4 * MIB, 1, false), new Row(8 * MIB, 1, false), new Row(16 * MIB, 1, false),
            new Row(32 * MIB, 1, false), new Row(64 * MIB, 1, false), new Row(128 * MIB, 1, false),
            new Row(256 * MIB, 1, false));

    /** Seed 001 (groups), Group A: "Minimum Allocation Size <= N, Max Items per Chunk = M", 64 KiB chunks. */
    public static final List<Row> GROUPS_A = List.of(
            new Row(16, 4096, true), new Row(32, 2048, true), new Row(64, 1024, true), new Row(128, 512, true),
            new Row(256, 256, true), new Row(512, 128, true), new Row(KIB, 64, true), new Row(2 * KIB, 32, true),
            new Row(4 * KIB, 16, true), new Row(8 * KIB, 8, true), new Row(16 * KIB, 4, true),
            new Row(32 * KIB, 2, true));

    /** Seed 001 (groups), Group B: "Region = 1 GiB, N * Block = S". */
    public static final List<Row> GROUPS_B = List.of(
            new Row(64 * KIB, 16384, true), new Row(128 * KIB, 8192, true), new Row(256 * KIB, 4096, true),
            new Row(512 * KIB, 2048, true), new Row(MIB, 1024, true), new Row(2 * MIB, 512, true),
            new Row(4 * MIB, 256, true), new Row(8 * MIB, 128, true), new Row(16 * MIB, 64, true),
            new Row(32 * MIB, 32, true), new Row(64 * MIB, 16, true), new Row(128 * MIB, 8, true),
            new Row(256 * MIB, 4, true), new Row(512 * MIB, 2, true), new Row(GIB, 1, true));

    /**
     * One of seed 002's arenas, from its README's table.
     *
     * @param maxSize "Size Class" (Long.MAX_VALUE for "> 32MB")
     * @param reservation "Reservation" ("Physical" is the code's 2 GiB)
     * @param slab "Strategy" is Slab
     */
    public record ArenaRow(long maxSize, long reservation, boolean slab) {}

    /** Seed 002 (arenas): "Size Classes and Reservation Sizes". */
    public static final List<ArenaRow> ARENAS = List.of(
            new ArenaRow(512, 2 * MIB, true), new ArenaRow(KIB, 2 * MIB, true), new ArenaRow(2 * KIB, 4 * MIB, true),
            new ArenaRow(4 * KIB, 8 * MIB, false), new ArenaRow(64 * KIB, 32 * MIB, false),
            new ArenaRow(2 * MIB, 64 * MIB, false), new ArenaRow(32 * MIB, 512 * MIB, false),
            new ArenaRow(Long.MAX_VALUE, 2 * GIB, false));

    /** Seed 003 (sized): slots per block as its code computes them (SEED-NOTES), with default block sizes. */
    public static final List<Row> SIZED_CAPACITY = List.of(
            new Row(1, 4000, true), new Row(2, 65521, true), new Row(4, 262135, true), new Row(8, 131067, true),
            new Row(16, 65533, true), new Row(32, 32766, true), new Row(64, 16383, true), new Row(128, 8191, true),
            new Row(256, 4095, true), new Row(512, 2047, true), new Row(1024, 1023, true));

    /**
     * A line of seed 003's memory-ratio list.
     *
     * @param from the smallest size of the line
     * @param to the largest size of the line
     * @param ratio the ratio as the seed prints it
     */
    public record RatioLine(long from, long to, String ratio) {}

    /** Seed 003 (sized): "Memory ratios are at most as follows". */
    public static final List<RatioLine> SIZED_RATIOS = List.of(
            new RatioLine(1, 1, "1.024"), new RatioLine(2, 2, "1.00023"), new RatioLine(3, 4, "1.000034"),
            new RatioLine(5, 8, "1.000038"), new RatioLine(9, 16, "1.0000458"), new RatioLine(17, 64, "1.00006"),
            new RatioLine(65, 128, "1.0001"), new RatioLine(129, 256, "1.00024"), new RatioLine(257, 512, "1.0005"),
            new RatioLine(513, 1024, "1.001"), new RatioLine(1025, 2048, "1.002"), new RatioLine(2049, 4096, "1.004"),
            new RatioLine(4097, 8192, "1.008"));

    /**
     * A row of seed 004's "Size Classes and Allocation Details" table.
     *
     * @param classes the sizes listed in the row
     * @param partSize "Part Size"
     * @param arenaSize "Arena Size"
     */
    public record PartitionRow(List<Long> classes, long partSize, long arenaSize) {}

    /** Seed 004 (partitions), its table; the "2304 --- 32,768" row is expanded by the 8-per-doubling rule. */
    public static final List<PartitionRow> PARTITIONS = List.of(
            new PartitionRow(List.of(8L, 16L, 24L, 32L, 40L, 48L, 56L, 64L), 64 * KIB, 4 * MIB),
            new PartitionRow(List.of(72L, 80L, 88L, 96L, 104L, 112L, 120L, 128L), 128 * KIB, 8 * MIB),
            new PartitionRow(List.of(144L, 160L, 176L, 192L, 208L, 224L, 240L, 256L), 256 * KIB, 16 * MIB),
            new PartitionRow(List.of(288L, 320L, 352L, 384L, 416L, 448L, 480L, 512L), 512 * KIB, 32 * MIB),
            new PartitionRow(List.of(576L, 640L, 704L, 768L, 832L, 896L, 960L, 1024L), MIB, 64 * MIB),
            new PartitionRow(List.of(1152L, 1280L, 1408L, 1536L, 1664L, 1792L, 1920L, 2048L), 2 * MIB, 128 * MIB),
            new PartitionRow(List.of(2304L, 2560L, 2816L, 3072L, 3328L, 3584L, 3840L, 4096L,
                    4608L, 5120L, 5632L, 6144L, 6656L, 7168L, 7680L, 8192L,
                    9216L, 10240L, 11264L, 12288L, 13312L, 14336L, 15360L, 16384L,
                    18432L, 20480L, 22528L, 24576L, 26624L, 28672L, 30720L, 32768L), 4 * MIB, 256 * MIB));
}
