package io.vakit.spec.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.design.sized.SizedAllocator;
import io.vakit.design.sized.SizedProvider;
import io.vakit.kit.ContractReport;
import io.vakit.nat.GlibcProvider;
import io.vakit.spec.engine.Replay;
import io.vakit.spec.engine.Run;
import io.vakit.spi.Allocator;
import io.vakit.spi.Placement;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A state counts only where it was observed. Each test shows a state the kit once counted as reached where it was
 * not: what the old counting would have said (its rule is written out here, as it was), and that the counting now
 * does not.
 */
class ObservedCoverageTest {
    /**
     * The old inference of a full container: another container opened for the same slot size while this one held as
     * many live blocks as it ever had and none had been freed since.
     */
    private static boolean oldSaysFull(int live, int peak, boolean freedSincePeak, boolean anotherOfTheSameSlot) {
        return anotherOfTheSameSlot && live > 0 && live == peak && !freedSincePeak;
    }

    @Test
    void aContainerHoldingOneBlockIsNotFullBecauseAnotherFamilyOpenedOne() {
        String chain = "vakit1|contract:sized|allocIn#0(0,100);allocIn#1(1,100)";
        long capacity;
        try (SizedAllocator a = new SizedProvider().openSized()) {
            Placement first = a.placement(a.allocateIn(0, 100).address()).orElseThrow();
            Placement second = a.placement(a.allocateIn(1, 100).address()).orElseThrow();
            assertThat(second.container().orElseThrow().start()).as("family 1 has a block of its own")
                    .isNotEqualTo(first.container().orElseThrow().start());
            assertThat(second.slot().bytes()).isEqualTo(first.slot().bytes());
            capacity = first.container().orElseThrow().capacity();
        }
        assertThat(capacity).as("the block states it holds hundreds of 128-byte slots").isGreaterThan(100);
        assertThat(oldSaysFull(1, 1, false, true)).as("the old rule: full, with one block of " + capacity).isTrue();
        Run<?, ?> run = Replay.run(new ContractMachine(new SizedProvider()), chain);
        assertThat(run.passed()).isTrue();
        assertThat(run.coverage()).doesNotContainKeys(States.PREFIX + States.full("block"))
                .containsKey(States.PREFIX + States.container("block"));
    }

    /**
     * The old rule of recovery: after any refusal and any free, any allocation. glibc refuses a terabyte (a request
     * far beyond what is live), a 16-byte block is freed and another allocated: nothing about exhaustion was seen.
     */
    @Test
    void oneRefusedHugeRequestThenAnyFreeAndAllocationIsNoRecovery() {
        String chain = "vakit1|contract:glibc|alloc#0(1099511627776,1);alloc#1(16,1);free#1();alloc#2(16,1)";
        Run<?, ?> run = Replay.run(new ContractMachine(new GlibcProvider()), chain);
        assertThat(run.passed()).as(() -> String.valueOf(run.violation())).isTrue();
        assertThat(run.coverage().get(Rule.C12_EXHAUSTION.label())).as("the refusal was judged").isEqualTo(1L);
        boolean refused = true;
        boolean freedSince = true;
        boolean allocatedSince = true;
        assertThat(refused && freedSince && allocatedSince).as("the old rule: recovered").isTrue();
        assertThat(run.coverage()).doesNotContainKeys(States.PREFIX + States.RECOVERED, States.PREFIX + States.EXHAUSTED);
    }

    /** An aligned pair was counted when tried: a refusal for exhaustion counted as the pair reached. */
    @Test
    void anAlignedPairRefusedForExhaustionIsNotReached() {
        Allocator glibc = new GlibcProvider().open();
        Allocator refusesPairs = new RefusesAlignedRequests(glibc);
        AllocatorModel m = new AllocatorModel(glibc.descriptor(), true); // small: a refusal is judged, not failed
        try {
            boolean tried = States.isPair(4096, 4096); // the old code reached the pair here, before the call
            assertThat(tried).as("the old rule: reached").isTrue();
            assertThat(BlockSteps.allocate(refusesPairs, m, "alloc#0(4096,4096)", 0, 4096, 4096)).isFalse();
            assertThat(m.coverage()).doesNotContainKey(States.PREFIX + States.pair(4096, 4096));
            assertThat(BlockSteps.allocate(glibc, m, "alloc#1(4096,4096)", 1, 4096, 4096)).isTrue();
            assertThat(m.coverage()).as("served: reached").containsKey(States.PREFIX + States.pair(4096, 4096));
        } finally {
            glibc.close();
        }
    }

    /** glibc, except that it refuses every aligned request for exhaustion, as a full allocator would. */
    private static final class RefusesAlignedRequests extends io.vakit.kit.broken.ForwardingAllocator {
        RefusesAlignedRequests(Allocator glibc) {
            super(glibc);
        }

        @Override
        public MemorySegment allocate(long size, long alignment) {
            if (alignment > 16) {
                throw new io.vakit.spi.AddressSpaceExhaustedException(descriptor().id(), "allocate", "no room");
            }
            return super.allocate(size, alignment);
        }
    }

    /** The small configuration's states no longer satisfy the normal one's requirements: they are kept apart. */
    @Test
    void theSmallConfigurationsStatesDoNotSatisfyTheNormalOnes() {
        var design = new GlibcProvider().descriptor();
        String pair = States.pair(16, 16);
        Map<String, Long> normal = Map.of();
        Map<String, Long> small = Map.of(States.PREFIX + pair, 1L, States.PREFIX + States.BEYOND_TABLE, 1L);
        Map<String, Long> merged = new java.util.TreeMap<>(small);
        assertThat(States.missing(States.required(design, merged), merged)).as("the old, merged coverage")
                .doesNotContain(pair, States.BEYOND_TABLE);
        assertThat(States.missing(States.required(design, normal), normal)).as("the normal configuration's own")
                .contains(pair, States.BEYOND_TABLE);
        assertThat(ContractReport.SMALL).isEqualTo("small configuration: ");
    }

    /**
     * C12 counted every modest request served as a check, about as many as C2's; none of them could fail C12. Now a
     * run with no refusal and no small configuration has no C12 check.
     */
    @Test
    void aModestRequestServedIsNoExhaustionCheck() {
        var design = new SizedProvider().descriptor();
        long size = 4096;
        assertThat(design.maxBlockSize() >= (1L << 30) && size <= (64L << 20)).as("the old rule: a C12 check").isTrue();
        Run<?, ?> run = Replay.run(new ContractMachine(new SizedProvider()), "vakit1|contract:sized|alloc#0(4096,1)");
        assertThat(run.coverage()).containsKey(Rule.C2_NO_OVERLAP.label())
                .doesNotContainKey(Rule.C12_EXHAUSTION.label());
    }
}
