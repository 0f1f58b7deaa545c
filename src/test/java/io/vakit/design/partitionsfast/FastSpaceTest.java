package io.vakit.design.partitionsfast;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.design.partitions.PartitionsConfig;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The space's address arithmetic by shifts: the partition from a logarithm's estimate, corrected by one, agrees with
 * the plain configuration's search at every partition's edges and at random offsets, in each scale; the slice and
 * part slots agree with division.
 */
class FastSpaceTest {
    @Test
    void thePartitionEstimateAgreesWithTheConfigurationsSearchAtEveryEdge() {
        for (PartitionsConfig c : new PartitionsConfig[] {PartitionsConfig.defaults(), PartitionsConfig.small()}) {
            FastSpace space = new FastSpace(c, "partitions-fast");
            try {
                for (int k = 0; k <= PartitionsConfig.ROWS; k++) {
                    long start = c.partitionOffset(k);
                    long end = k < PartitionsConfig.ROWS ? start + c.partitionBytes(k) : start;
                    for (long off : new long[] {start - 1, start, start + 1, end - 1, end, end + 1}) {
                        assertThat(space.partitionOf(off)).as("%s, offset %d", c, off).isEqualTo(expected(c, off));
                    }
                }
                SplittableRandom r = new SplittableRandom(1);
                for (int i = 0; i < 100_000; i++) {
                    long off = r.nextLong(c.reservationBytes() + 4096) - 2048;
                    int k = space.partitionOf(off);
                    assertThat(k).as("offset %d", off).isEqualTo(expected(c, off));
                    if (k >= 0) {
                        long in = off - c.partitionOffset(k);
                        assertThat(space.sliceOf(k, off)).isEqualTo((int) (in / c.sliceBytes(k)));
                        long inSlice = in % c.sliceBytes(k);
                        assertThat(space.unitOf(k, off)).isEqualTo((int) (inSlice / c.partBytes(k)));
                    }
                }
            } finally {
                space.close();
            }
        }
    }

    private static int expected(PartitionsConfig c, long off) {
        return off < 0 || off >= c.reservationBytes() ? -1 : c.partitionOf(off);
    }
}
