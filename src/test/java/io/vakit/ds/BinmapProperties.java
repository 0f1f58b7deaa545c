package io.vakit.ds;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The binmap state machine against a BitSet, at every capacity the spec names, in both word sizes. */
class BinmapProperties {

    @ParameterizedTest(name = "capacity {0}, {1}")
    @CsvSource({"1,W32", "31,W32", "32,W32", "33,W32", "1023,W32", "1024,W32", "1025,W32", "1048576,W32",
            "16777216,W32", "1,W64", "63,W64", "64,W64", "65,W64", "4097,W64", "1048576,W64", "16777216,W64"})
    void agreesWithTheBitSetModel(long capacity, Binmap.WordSize wordSize) {
        Settings s = Settings.fromSystemProperties();
        int tries = capacity > (1 << 20) ? Math.max(3, s.tries() / 20) : s.tries();
        Verdict v = Engine.check(new BinmapMachine(capacity, wordSize), s.withTries(tries));
        assertThat(v.passed()).as(v::describe).isTrue();
    }
}
