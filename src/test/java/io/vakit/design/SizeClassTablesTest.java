package io.vakit.design;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.design.arenas.ArenaClasses;
import io.vakit.design.chunks.ChunkClasses;
import io.vakit.design.groups.GroupClasses;
import io.vakit.design.partitions.PartitionClasses;
import io.vakit.design.partitions.PartitionsConfig;
import io.vakit.design.sized.SizedClasses;
import io.vakit.spec.sizeclasses.SeedTables;
import io.vakit.spec.sizeclasses.SizeClassLaws;
import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.SizeClassTable;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every design's arithmetic size-class mapping obeys the laws (every size up to 64 KiB exhaustively, larger ones
 * by property) and agrees with the literal table the seed's text gives (spec's {@link SeedTables}).
 */
class SizeClassTablesTest {
    private static final long EXHAUSTIVE = 64 * 1024;

    static Stream<Arguments> tables() {
        ChunkClasses chunks = new ChunkClasses();
        GroupClasses groups = new GroupClasses();
        PartitionClasses partitions = new PartitionClasses();
        return Stream.of(
                Arguments.of("chunks", chunks, (AlignmentGuarantee) chunks::alignmentFor),
                Arguments.of("groups", groups, (AlignmentGuarantee) groups::alignmentFor),
                Arguments.of("arenas", new ArenaClasses(), AlignmentGuarantee.fixed(16)),
                Arguments.of("sized", new SizedClasses(), (AlignmentGuarantee) SizedClasses::alignmentFor),
                Arguments.of("partitions", partitions, (AlignmentGuarantee) partitions::alignmentFor));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    void obeysTheLaws(String design, SizeClassTable table, AlignmentGuarantee alignment) {
        assertThat(SizeClassLaws.checkExhaustively(table, alignment, EXHAUSTIVE)).as(design).isEmpty();
        long top = table.size(table.count() - 1) * 2;
        assertThat(SizeClassLaws.checkByProperty(table, alignment, top, 100_000, new SplittableRandom(design.hashCode())))
                .as(design).isEmpty();
    }

    /** The smallest literal class at least {@code s}, or -1. */
    private static long literalClass(List<SeedTables.Row> rows, long s) {
        return rows.stream().mapToLong(SeedTables.Row::size).filter(x -> x >= s).min().orElse(-1);
    }

    private static void agreesEverywhere(SizeClassTable t, List<SeedTables.Row> rows, long to) {
        for (long s = 1; s <= to; s++) {
            long expected = literalClass(rows, s);
            int c = t.classOf(s);
            assertThat(c < 0 ? -1 : t.size(c)).as("class of %d bytes", s).isEqualTo(expected);
        }
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long s = 1 + r.nextLong(rows.get(rows.size() - 1).size() * 2);
            int c = t.classOf(s);
            assertThat(c < 0 ? -1 : t.size(c)).as("class of %d bytes", s).isEqualTo(literalClass(rows, s));
        }
    }

    @Test
    void chunksAgreeWithSeed000() {
        ChunkClasses t = new ChunkClasses();
        assertThat(t.count()).isEqualTo(SeedTables.CHUNKS.size());
        for (int c = 0; c < t.count(); c++) {
            assertThat(t.size(c)).isEqualTo(SeedTables.CHUNKS.get(c).size());
            assertThat(t.itemsPerChunk(c)).isEqualTo(SeedTables.CHUNKS.get(c).perContainer());
        }
        agreesEverywhere(t, SeedTables.CHUNKS, EXHAUSTIVE);
    }

    @Test
    void groupsAgreeWithSeed001() {
        GroupClasses t = new GroupClasses();
        List<SeedTables.Row> all = Stream.concat(SeedTables.GROUPS_A.stream(), SeedTables.GROUPS_B.stream()).toList();
        assertThat(t.count()).isEqualTo(all.size());
        for (int c = 0; c < t.count(); c++) {
            assertThat(t.size(c)).isEqualTo(all.get(c).size());
            assertThat(t.perContainer(c)).isEqualTo(all.get(c).perContainer());
            assertThat(GroupClasses.groupA(c)).isEqualTo(c < SeedTables.GROUPS_A.size());
        }
        assertThat(GroupClasses.REGION_A / GroupClasses.CHUNK).as("chunks per Group A region").isEqualTo(512);
        assertThat(GroupClasses.REGION_B / GroupClasses.REGION_A).as("Group A regions per segment").isEqualTo(32);
        agreesEverywhere(t, all, EXHAUSTIVE);
        assertThat(t.classOf((1L << 30) + 1)).as("above 1 GiB: Group C").isEqualTo(-1);
    }

    @Test
    void arenasAgreeWithSeed002() {
        assertThat(ArenaClasses.ARENAS).hasSameSizeAs(SeedTables.ARENAS);
        for (int i = 0; i < SeedTables.ARENAS.size(); i++) {
            SeedTables.ArenaRow row = SeedTables.ARENAS.get(i);
            ArenaClasses.Arena a = ArenaClasses.ARENAS.get(i);
            assertThat(a.maxSize()).isEqualTo(row.maxSize());
            assertThat(a.reservation()).isEqualTo(row.reservation());
            assertThat(a.strategy() == ArenaClasses.Strategy.SLAB).isEqualTo(row.slab());
        }
        SplittableRandom r = new SplittableRandom(3);
        for (long s = 1; s <= EXHAUSTIVE + 100_000; s = s <= EXHAUSTIVE ? s + 1 : s + 1 + r.nextLong(1L << 28)) {
            long size = s;
            SeedTables.ArenaRow expected = SeedTables.ARENAS.stream().filter(x -> x.maxSize() >= size).findFirst()
                    .orElseThrow();
            assertThat(ArenaClasses.arenaOf(s).maxSize()).as("arena of %d bytes", s).isEqualTo(expected.maxSize());
        }
    }

    @Test
    void sizedAgreesWithSeed003() {
        var config = io.vakit.design.sized.SizedConfig.defaults();
        for (SeedTables.Row row : SeedTables.SIZED_CAPACITY) {
            int c = Long.numberOfTrailingZeros(row.size());
            assertThat(config.layout(c).capacity()).as("slots of %d bytes", row.size()).isEqualTo(row.perContainer());
        }
        SizedClasses t = new SizedClasses();
        for (long s = 1; s <= EXHAUSTIVE; s++) {
            int c = t.classOf(s);
            assertThat(c < 0 ? -1 : t.size(c)).isEqualTo(s > 8192 ? -1 : Long.highestOneBit(s - 1 | 1) << (s == 1 ? 0 : 1));
        }
    }

    @Test
    void partitionsAgreeWithSeed004() {
        PartitionClasses t = new PartitionClasses();
        int c = 0;
        for (int r = 0; r < SeedTables.PARTITIONS.size(); r++) {
            SeedTables.PartitionRow row = SeedTables.PARTITIONS.get(r);
            for (long size : row.classes()) {
                assertThat(t.size(c)).as("class %d", c).isEqualTo(size);
                assertThat(PartitionClasses.row(c)).isEqualTo(r);
                c++;
            }
            assertThat(PartitionsConfig.seedLayout().partBytes(r)).isEqualTo(row.partSize());
            assertThat(PartitionsConfig.seedLayout().arenaBytes(r)).isEqualTo(row.arenaSize());
        }
        assertThat(c).isEqualTo(80).isEqualTo(t.count());
        List<SeedTables.Row> rows = SeedTables.PARTITIONS.stream().flatMap(r -> r.classes().stream())
                .map(s -> new SeedTables.Row(s, 1, true)).toList();
        agreesEverywhere(t, rows, EXHAUSTIVE);
        assertThat(PartitionClasses.route(32 * 1024)).isEqualTo(PartitionClasses.Route.POOL);
        assertThat(PartitionClasses.route(32 * 1024 + 1)).isEqualTo(PartitionClasses.Route.ARENA_PART);
        assertThat(PartitionClasses.route(4L << 20)).isEqualTo(PartitionClasses.Route.ARENA_PART);
        assertThat(PartitionClasses.route((4L << 20) + 1)).isEqualTo(PartitionClasses.Route.MULTI_PART);
        assertThat(PartitionClasses.route(256L << 20)).isEqualTo(PartitionClasses.Route.MULTI_PART);
        assertThat(PartitionClasses.route((256L << 20) + 1)).isEqualTo(PartitionClasses.Route.AREA);
        assertThat(PartitionClasses.route(8L << 30)).isEqualTo(PartitionClasses.Route.AREA);
        assertThat(PartitionClasses.route((8L << 30) + 1)).isEqualTo(PartitionClasses.Route.UNSUPPORTED);
    }

    @Test
    void lawsCatchABrokenTable() {
        SizeClassTable offByOne = new SizeClassTable() {
            @Override
            public int count() {
                return 4;
            }

            @Override
            public long size(int c) {
                return 16L << c;
            }

            @Override
            public int classOf(long size) {
                return size <= 16 ? 0 : Math.min(3, 64 - Long.numberOfLeadingZeros(size) - 4); // wrong at powers of two
            }
        };
        assertThat(SizeClassLaws.checkExhaustively(offByOne, AlignmentGuarantee.fixed(16), 1000)).isNotEmpty();
        assertThat(SizeClassLaws.checkExhaustively(new SizedClasses(), AlignmentGuarantee.fixed(8192), 1000))
                .as("a guarantee the slots cannot give").isNotEmpty();
    }
}
