package io.vakit.kit.broken;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.kit.ContractReport;
import io.vakit.kit.GeneratedRegions;
import io.vakit.spec.contract.Rule;
import io.vakit.spec.contract.States;
import io.vakit.spec.engine.Machines;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Feature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kit's power, proven: with its DEFAULT settings (the fixed seed, {@code vakit.tries} and {@code vakit.length} of
 * {@code mvn verify}), it rejects each planted bug of the kinds allocator authors make, for the rule that bug breaks,
 * with a chain shrunk to at most 10 actions (a burst is one) that replays to the same failure; and it passes the
 * same allocator without the bug, every required state reached. The table of spec/results.md#what-the-kit-rejects is
 * what these runs reported ({@code -Dvakit.updateSpec=true} rewrites it).
 */
class PlantedBugsTest {
    private static final Path RESULTS = Path.of("spec/results.md");
    private static final Map<String, String> ROWS = new ConcurrentHashMap<>();

    static Stream<Arguments> planted() {
        return Stream.of(
                Arguments.of(new PlantedBugs.LosesSlotWhenFull(), Rule.C2_NO_OVERLAP,
                        "a free from a full page re-links the page but loses the slot (seed 003's bug)"),
                Arguments.of(new PlantedBugs.LastEdgeOffByOne(), Rule.C9_USABLE_SIZE,
                        "4097..4111 bytes get the 4096 class (a truncating shift)"),
                Arguments.of(new MisalignsOnePairAllocator.Provider(), Rule.C3_ALIGNMENT,
                        "`allocate(256, 256)` alone is 128-aligned (as mimalloc 2.0.9's bug)"),
                Arguments.of(new PlantedBugs.RangeEndOffByOne(), Rule.M1_INVALID_FREE,
                        "the first address past the range of pages passes the bounds test (`>` for `>=`)"),
                Arguments.of(new PlantedBugs.CountsBeforeExhaustion(), Rule.C12_EXHAUSTION,
                        "a request refused for exhaustion is still counted"),
                Arguments.of(new PlantedBugs.RefillsTwoPages(), Rule.C12_EXHAUSTION,
                        "a refill of two pages keeps its first page when the second is refused"),
                Arguments.of(new PlantedBugs.DriftsWhenPageEmpties(), Rule.C8_STATS,
                        "releasing an emptied page drifts the live bytes"),
                Arguments.of(new PlantedBugs.UsableOverstated(), Rule.C2_NO_OVERLAP,
                        "usable size overstated by 16 bytes (declared without a table: C2 writes the slack)"),
                Arguments.of(new PlantedBugs.ReleasesOnPaper(), Rule.C11_FOOTPRINT,
                        "pages given back on paper keep their physical pages (measured by the kernel)"),
                Arguments.of(new PlantedBugs.KeepsEmptyPages(), Rule.C11_FOOTPRINT,
                        "every emptied page is kept for the next burst (a cache above the design's idle bound)"),
                Arguments.of(new PlantedBugs.LeaksMappingsAtClose(), Rule.C11_FOOTPRINT,
                        "close forgets the large mappings (measured by the kernel)"),
                Arguments.of(new PlantedBugs.DefersWithoutMarking(), Rule.M2_DOUBLE_FREE,
                        "a free from another thread is queued without marking the block freed"),
                Arguments.of(new PlantedBugs.DropsEndedThreadCounts(), Rule.C8_STATS,
                        "live counters striped per thread drop the stripes of ended threads"),
                Arguments.of(new PlantedBugs.MovesToGrowInSlot(), Rule.C7_REALLOC_PREFIX,
                        "a large block grown within the slack of its mapping is moved (declared REALLOC_IN_SLOT)"),
                Arguments.of(new PlantedBugs.LosesPoolHoles(), Rule.C12_EXHAUSTION,
                        "pages given back below the top of a bump-run page pool are lost to it"),
                Arguments.of(new PlantedBugs.RetiresAllocationsOnly(), Rule.C8_STATS,
                        "per-thread counters retire an ended thread's allocations but not the frees it made"),
                Arguments.of(new PlantedBugs.DrainsAfterAllocating(), Rule.C12_EXHAUSTION,
                        "the owner takes frees from other threads back only after its allocation is served"),
                Arguments.of(new PlantedBugs.RefusesDoubleAsUnknown(), Rule.M2_DOUBLE_FREE,
                        "a double free of a slot is refused as UNKNOWN by a design that declares EXACT_REASONS"),
                Arguments.of(new PlantedBugs.CachesMappingsOffTheBooks(), Rule.C11_FOOTPRINT,
                        "freed mappings up to 64 KiB are kept for reuse off the books (measured by the kernel)"),
                Arguments.of(new PlantedBugs.RefusesQueuedDoubleAsUnknown(), Rule.M2_DOUBLE_FREE,
                        "a double free of a slot another thread's free left queued for its owner is refused as UNKNOWN"),
                Arguments.of(new PlantedBugs.KeepsPagesPerThread(), Rule.C12_EXHAUSTION,
                        "pages given back serve only the thread that gave them back (per-thread page pools)"),
                Arguments.of(new PlantedBugs.ClampsTailIndex(), Rule.M1_INVALID_FREE,
                        "a slot index is clamped to the page's last slot: a free in the page's unused tail is INTERIOR"),
                Arguments.of(new PlantedBugs.TerseAfterClose(), Rule.M7_USE_AFTER_CLOSE,
                        "a call after close is refused with the operation's name alone, not its address or size"),
                Arguments.of(new PlantedBugs.ListsFullPagesOnceEmpty(), Rule.C12_EXHAUSTION,
                        "a page that filled rejoins its class's list only once it is empty: its freed slots wait"),
                Arguments.of(new PlantedBugs.StatesCapacityInGranules(), Rule.L1_PLACEMENT,
                        "a page's capacity stated in 16-byte granules, not in slots (no page is ever seen full)"),
                Arguments.of(new PlantedBugs.PinsSlices(), Rule.C12_EXHAUSTION,
                        "each class of a thread keeps its emptied page and the slice around it: 8 classes pin every"
                                + " slice"),
                Arguments.of(new PlantedBugs.MapsFirstUnitOnly(), Rule.C10_OWNER,
                        "a large block's unit map holds its first 1 MiB unit only: no owner past its first MiB"),
                Arguments.of(new PlantedBugs.InteriorWhereStale(), Rule.M2_DOUBLE_FREE,
                        "an address off a slot start is refused as INTERIOR, live slot or not: a stale address in a"
                                + " page another class took"),
                Arguments.of(new PlantedBugs.CountsPiecesOfARefusal(), Rule.C13_FAULTS,
                        "a large block committed in pieces, each counted as it succeeds: a refusal after the first"
                                + " piece leaves them counted"));
    }

    @ParameterizedTest(name = "{0} breaks {1}")
    @MethodSource("planted")
    void rejectedByTheDefaultSettings(AllocatorProvider provider, Rule rule, String bug) {
        ContractReport report = ContractReport.run(provider, Settings.fromSystemProperties());
        System.out.print(report.table());
        System.out.println(report.verdict().describe());

        assertThat(report.passed()).as("the kit must reject %s", provider.id()).isFalse();
        Verdict.Failure failure = report.verdict().failureOf(rule.label());
        assertThat(failure).as("a failure of %s among %s", rule.label(), report.verdict().failures()).isNotNull();
        assertThat(failure.chain()).hasSizeLessThanOrEqualTo(10);
        assertThat(Machines.assertFails(failure.replay()).rule()).isEqualTo(rule.label());
        // labels are the run's own numbering: a library's addresses (ASLR) decide which chain fails first
        String chain = String.join(";", failure.chain()).replaceAll("#\\d+", "#L");
        ROWS.put(provider.id(), "| " + bug + " | `" + provider.id() + "` | " + rule.label() + " | "
                + failure.chain().size() + (failure.chain().size() == 1 ? " action" : " actions")
                + (chain.length() <= 60 ? ": `" + chain + "`" : "") + " |\n");
    }

    /** The results' table of planted bugs is what this run reported, once every planted bug has run. */
    @AfterAll
    static void theResultsTableIsWhatTheRunReported() throws IOException {
        List<AllocatorProvider> all = planted().map(a -> (AllocatorProvider) a.get()[0]).toList();
        if (!all.stream().allMatch(p -> ROWS.containsKey(p.id()))) {
            System.out.println("PlantedBugsTest: the results table is checked only when every planted bug ran");
            return;
        }
        StringBuilder table = new StringBuilder("| planted bug, as its author wrote it | implementation | rule | "
                + "shrunk chain |\n|---|---|---|---|\n");
        all.forEach(p -> table.append(ROWS.get(p.id())));
        // the shrunk chain is one run's: its length and actions are left out of the comparison
        GeneratedRegions.keep(RESULTS, Map.of("planted-bugs", table.toString()), "PlantedBugsTest",
                t -> t.replaceAll("\\| \\d+ actions?(: `[^`]*`)? \\|", "| (a shrunk chain) |"));
    }

    @ParameterizedTest(name = "{0} passes")
    @MethodSource("correct")
    void theToyWithoutABugPasses(AllocatorProvider provider) {
        ContractReport report = ContractReport.run(provider, Settings.fromSystemProperties());
        System.out.print(report.table());
        assertThat(report.passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        assertThat(report.missing()).isEmpty();
        if (provider instanceof PlantedBugs.Correct) { // its pages pass from class to class: broken-interior-stale
            assertThat(report.required()).anyMatch(state -> state.endsWith(States.DOUBLE_RESLOTTED));
        }
        if (provider.descriptor().has(Feature.OWNER_REUSES_REMOTE_FREES)) { // the sliced toy: its sweep was required
            assertThat(report.required()).anyMatch(state -> state.endsWith(States.SWEPT));
        }
    }

    /**
     * The toy as written, its variant that keeps a large block in its slot, its variant with page tails, its variant
     * that defers remote frees to its owner, and its variant with a heap per thread in slices.
     */
    static Stream<AllocatorProvider> correct() {
        return Stream.of(new PlantedBugs.Correct(), new PlantedBugs.KeepsItsSlot(), new PlantedBugs.HasTails(),
                new PlantedBugs.Defers(), new PlantedBugs.Sliced());
    }
}
