package io.vakit.ds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vakit.pal.VirtualMemory;
import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import org.junit.jupiter.api.Test;

/** The init arena state machine, and its argument checks. */
class InitArenaProperties {
    @Test
    void agreesWithTheModel() {
        Verdict v = Engine.check(new InitArenaMachine(), Settings.fromSystemProperties());
        assertThat(v.passed()).as(v::describe).isTrue();
    }

    @Test
    void badArgumentsAreRefused() {
        try (InitArena a = new InitArena(VirtualMemory.system(), 1 << 16, 1 << 16)) {
            assertThatThrownBy(() -> a.allocate(0, 8)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("allocate(size=0, alignment=8)");
            assertThatThrownBy(() -> a.allocate(8, 3)).hasMessageContaining("power of two");
            assertThatThrownBy(() -> a.allocate(1 << 17, 1)).isInstanceOf(OutOfSpaceException.class);
        }
        assertThatThrownBy(() -> new InitArena(VirtualMemory.system(), 100, 4096))
                .hasMessageContaining("capacity=100");
    }
}
