package io.vakit.design.sized;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.spec.sizeclasses.SeedTables;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

/** Seed 003's block layouts: capacities, the memory-ratio table, and the validated overrides. */
class SizedLayoutTest {
    private final SizedConfig defaults = SizedConfig.defaults();

    @Test
    void sizeTwoWith128KiBBlocksGivesTheSeeds65521() {
        SizedLayout two = defaults.layout(1);
        assertThat(two.headerBytes()).isEqualTo(30);
        assertThat(two.blockSize()).isEqualTo(128 * 1024);
        assertThat(two.capacity()).isEqualTo(65521);
    }

    @Test
    void sizeOneIsTheSpecialPage() {
        SizedLayout one = defaults.layout(0);
        assertThat(one.capacity()).isEqualTo(4000);
        assertThat(one.blockSize()).isEqualTo(4096);
        assertThat(one.slotOffset(0)).isEqualTo(36);
        assertThat(one.slotOffset(3999)).isEqualTo(4095);
        assertThat(one.slotOffset(250)).isEqualTo(32 + 254 + 4);
    }

    @Test
    void everySlotIsAlignedToItsSize() {
        for (int c = 1; c < SizedClasses.COUNT; c++) {
            SizedLayout l = defaults.layout(c);
            assertThat(l.headerBytes() % l.slot()).as("header of class %d", c).isZero();
            assertThat(l.slotOffset(l.capacity() - 1) + l.slot()).isLessThanOrEqualTo(l.blockSize());
        }
    }

    @Test
    void ratiosRoundToTheSeedsTable() {
        for (SeedTables.RatioLine line : SeedTables.SIZED_RATIOS) {
            double worst = 0;
            for (long s = line.from(); s <= line.to(); s++) {
                worst = Math.max(worst, defaults.layout(new SizedClasses().classOf(s)).memoryRatio());
            }
            int decimals = line.ratio().length() - line.ratio().indexOf('.') - 1;
            assertThat(BigDecimal.valueOf(worst).setScale(decimals, RoundingMode.HALF_UP))
                    .as("sizes %d to %d", line.from(), line.to()).isEqualByComparingTo(line.ratio());
        }
    }

    @Test
    void overridesAreValidated() {
        assertThat(defaults.override(2, 32753, 0x10000).layout(1).capacity()).isEqualTo(32753);
        assertThatThrownBy(() -> defaults.override(2, 131057, 0x40000)).hasMessageContaining("overflow the 16-bit");
        assertThatThrownBy(() -> defaults.override(2, 32753, 0x18000)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> defaults.override(2, 32000, 0x10000)).hasMessageContaining("holds 32753 slots");
        assertThatThrownBy(() -> defaults.override(1, 4000, 4096)).hasMessageContaining("cannot change");
        assertThatThrownBy(() -> defaults.override(3, 10, 4096)).hasMessageContaining("not a class");
        assertThat(defaults.override(64, 65535, 1L << 22).layout(6).capacity()).isEqualTo(65535);
    }
}
