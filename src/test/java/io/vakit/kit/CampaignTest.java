package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.nat.BrokenNativeLibrary;
import io.vakit.nat.GlibcProvider;
import io.vakit.spec.contract.ContractMachine;
import io.vakit.spec.contract.Rule;
import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A campaign runs chains until its time is up or a rule fails, and says how far it got as it goes. */
class CampaignTest {
    @Test
    void stopsAtTheFirstFailureShrunk() {
        List<Integer> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        Verdict v = Engine.campaign(new ContractMachine(BrokenNativeLibrary.overlapping()),
                Settings.fromSystemProperties().withTries(Integer.MAX_VALUE), deadline, so -> seen.add(so.chainsRun()));
        assertThat(v.failure().violation().rule()).isEqualTo(Rule.C2_NO_OVERLAP.label());
        assertThat(v.failure().chain()).hasSizeLessThanOrEqualTo(10);
        assertThat(v.chainsRun()).as("no new chain after the failure").isLessThan(20);
        assertThat(seen).as("told after each chain, in order").isEqualTo(java.util.stream.IntStream.rangeClosed(1,
                v.chainsRun()).boxed().toList());
    }

    @Test
    void endsAtItsTimeWithAProgressLineEveryInterval() {
        System.setProperty("vakit.campaign.every", "1");
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
            long started = System.nanoTime();
            boolean passed = Campaign.run(List.of(new GlibcProvider()), Duration.ofSeconds(4),
                    Settings.fromSystemProperties().withTries(Integer.MAX_VALUE), out);
            double seconds = (System.nanoTime() - started) / 1e9;
            String said = bytes.toString(StandardCharsets.UTF_8);
            System.out.print(said);
            assertThat(passed).isTrue();
            assertThat(seconds).isBetween(4.0, 30.0);
            assertThat(said).contains("vakit campaign: glibc for 4s").contains("fork server")
                    .containsPattern("\\] glibc: \\d+ chains \\([0-9.]+/s\\), \\d+ actions, \\d+ checked operations \\(\\d+/s\\), "
                            + "states \\d+ of \\d+, failures 0").contains("glibc: no failure in");
            assertThat(said.lines().filter(l -> l.startsWith("[")).count()).as("a line a second, and the last")
                    .isGreaterThanOrEqualTo(3);
        } finally {
            System.clearProperty("vakit.campaign.every");
        }
    }
}
