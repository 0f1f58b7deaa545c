package io.vakit.kit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spec.contract.ContractMachines;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README's quick start does what it prints: two blocks served, freed (one from another thread), a double free refused. */
class SegmentAllocatorDemoTest {

    @ParameterizedTest
    @ValueSource(strings = {"partitions-fast", "partitions", "sized"})
    void theDemoServesFreesAndRefusesADoubleFree(String id) throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        SegmentAllocatorDemo.run(ContractMachines.provider(id).orElseThrow(), new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(out);

        assertThat(out).containsPattern("allocated 128 bytes at 0x[0-9a-f]+ and 16 at 0x[0-9a-f]+")
                .contains("placement: [").containsPattern("liveCount=2\\b").containsPattern("both freed: .*liveCount=0\\b")
                .containsPattern("freed twice: InvalidFreeException \\((DOUBLE|UNKNOWN)\\): .*" + id);
    }
}
