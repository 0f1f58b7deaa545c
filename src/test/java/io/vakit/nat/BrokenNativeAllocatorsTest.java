package io.vakit.nat;

import static org.assertj.core.api.Assertions.assertThat;

import io.vakit.spec.contract.ContractMachine;
import io.vakit.spec.contract.Rule;
import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Replay;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import org.junit.jupiter.api.Test;

/**
 * Through the native entry point: the kit rejects a broken C allocator with a short replayable chain, and passes a
 * correct one bound in seed 003's signature style (sized free and sized realloc).
 */
class BrokenNativeAllocatorsTest {
    @Test
    void aSeed003StyleLibraryIsBoundWithItsSizedSignatures() {
        io.vakit.kit.ContractReport report = io.vakit.kit.ContractReport.run(BrokenNativeLibrary.seed003Style(),
                Settings.fromSystemProperties().withTries(20)); // about the binding: 20 chains, each in a worker
        System.out.print(report.table());
        assertThat(report.verdict().passed()).as(() -> report.table() + report.verdict().describe()).isTrue();
        assertThat(report.rules()).noneMatch(r -> r.status() == io.vakit.kit.RuleResult.Status.FAIL);
    }

    /**
     * The test library defines no {@code aligned_alloc} and no {@code malloc_usable_size}: a lookup in it finds glibc's,
     * through the library's dependencies. The binding must leave them unbound, and declare neither feature.
     */
    @Test
    void aFunctionTheLibraryLacksIsNeverTakenFromGlibc() {
        java.nio.file.Path lib = BrokenNativeLibrary.library();
        var lookup = java.lang.foreign.SymbolLookup.libraryLookup(lib, java.lang.foreign.Arena.global());
        assertThat(lookup.find("aligned_alloc")).as("dlsym also searches the library's dependencies").isPresent();
        assertThat(SymbolOwner.fileOf(lookup.find("aligned_alloc").orElseThrow()).orElseThrow().toString())
                .contains("libc.so");
        assertThat(SymbolOwner.definedBy(lookup.find("ovl_malloc").orElseThrow(), lib)).isTrue();

        NativeLibraryProvider p = new NativeLibraryProvider("no-aligned-alloc", lib, MallocSymbols.parse(
                "malloc=ovl_malloc,free=ovl_free,aligned_alloc=aligned_alloc,usable_size=malloc_usable_size"),
                io.vakit.spi.AlignmentGuarantee.fixed(16), true, java.util.List.of());
        assertThat(p.descriptor().features()).doesNotContain(io.vakit.spi.Feature.ALIGNED_ALLOCATION,
                io.vakit.spi.Feature.USABLE_SIZE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new NativeLibraryProvider("borrowed-malloc", lib,
                MallocSymbols.parse("glibc"), io.vakit.spi.AlignmentGuarantee.fixed(16), true, java.util.List.of()))
                .hasMessageContaining("'malloc' is not defined by").hasMessageContaining("libc.so");
    }

    /**
     * A library named by its path is found from the printed replay line alone: the line carries the path, the
     * symbols, the alignment and the thread safety, and the native source builds the library again from them. (That
     * the replay then fails as it did is not yet so: the library's state lives on across chains in one process, and
     * this chain needed the allocations of earlier ones. Exact replays need a fresh process per chain.)
     */
    @Test
    void aReplayOfALibraryNamedByItsPathRunsAsPrinted() {
        String name = "native:" + BrokenNativeLibrary.library().toAbsolutePath()
                + "?symbols=malloc=ovl_malloc,free=ovl_free&alignment=16&threadSafe=true";
        io.vakit.spi.AllocatorProvider p = new NativeProviderSource().resolve(name).orElseThrow();
        assertThat(p.replayName()).isEqualTo(name);
        Verdict v = Engine.check(new ContractMachine(p), Settings.fromSystemProperties().withTries(6));
        Verdict.Failure f = v.failureOf(Rule.C2_NO_OVERLAP.label());
        assertThat(f).isNotNull();
        assertThat(f.replay()).startsWith("vakit1|contract:" + name + "|");
        var machine = io.vakit.spec.engine.Machines.find(io.vakit.spec.engine.Replay.machineOf(f.replay()));
        assertThat(machine.name()).isEqualTo("contract:" + name);
        assertThat(io.vakit.spec.engine.Machines.replay(f.replay()).applied()).hasSize(f.chain().size());
    }

    @Test
    void anOverlappingCAllocatorIsRejected() {
        ContractMachine machine = new ContractMachine(BrokenNativeLibrary.overlapping());
        Verdict v = Engine.check(machine, Settings.fromSystemProperties());
        System.out.println(v.describe());
        assertThat(v.passed()).isFalse();
        assertThat(v.failure().violation().rule()).isEqualTo(Rule.C2_NO_OVERLAP.label());
        assertThat(v.failure().chain()).hasSizeLessThanOrEqualTo(10);
        assertThat(Replay.run(machine, v.failure().replay()).violation().rule()).isEqualTo(Rule.C2_NO_OVERLAP.label());
    }

    /**
     * The overlapping allocator hands out its previous block again; a calloc then fills the requested size into it
     * before the kit can look (calloc is malloc + fill here). Before the overlap was limited to requests that fit the
     * block, this chain wrote 64 KiB into a 24-byte glibc chunk and the test JVM died (CI saw it once, as
     * "free(): invalid pointer"). Now the planted bug stays an overlap the kit reports, and glibc's heap stays whole.
     */
    @Test
    void thePlantedOverlapNeverCorruptsTheHeap() throws Throwable {
        ContractMachine machine = new ContractMachine(BrokenNativeLibrary.overlapping());
        var run = Replay.run(machine, "vakit1|" + machine.name() + "|alloc#0(24,1);alloc#1(24,1);calloc#2(65536);"
                + "calloc#3(16);alloc#4(16,1);alloc#5(16,1)"); // the 3rd does not fit the 2nd; the 6th fits the 5th
        assertThat(run.violation().rule()).isEqualTo(Rule.C2_NO_OVERLAP.label());
        var binding = GlibcProvider.binding();
        for (int i = 0; i < 1000; i++) { // glibc's bins still work for everyone else
            var p = (java.lang.foreign.MemorySegment) binding.malloc().invokeExact((long) (16 + i % 4096));
            binding.free().invokeExact(p);
        }
    }

    /**
     * A library with a class confusion on free (a large block pushed onto the 16-byte list, then unmapped) crashes in
     * its own code at the next small allocation. Each chain runs in a fresh child of the library's fork server, so the
     * crash is a verdict on C0 (the signal, the frame its handler named, the action, the stderr tail), shrunk in fresh
     * children; the kit lives on.
     */
    @Test
    void aLibraryThatCorruptsItsOwnHeapGetsACrashVerdict() {
        io.vakit.spi.AllocatorProvider p = BrokenNativeLibrary.classConfusion();
        assertThat(p.isolation()).isEqualTo("fork server");
        Verdict verdict = Engine.check(new ContractMachine(p), Settings.fromSystemProperties());
        System.out.println(verdict.describe());
        Verdict.Failure crash = verdict.failureOf(io.vakit.spec.engine.Isolation.SURVIVES);
        assertThat(crash).as("a crash among %s", verdict.failures()).isNotNull();
        assertThat(crash.violation().getMessage()).contains("died by SIGSEGV in cc_malloc+0x")
                .contains("libvakit_broken.so").contains("fault address").contains("vakit-child: signal 11 (SIGSEGV)");
        assertThat(crash.chain()).hasSizeLessThanOrEqualTo(10);
        var again = io.vakit.spec.engine.Machines.replay(crash.replay());
        assertThat(again.violation().rule()).as("the printed line replays the crash, in a fresh child").isEqualTo(
                io.vakit.spec.engine.Isolation.SURVIVES);
        assertThat(again.violation().getMessage()).contains("died by SIGSEGV in cc_malloc+0x");
    }

    /**
     * A library that hangs (a spin lock its large path forgets to unlock) is killed when a call runs past the deadline
     * ({@code vakit.worker.timeout}, here 1 s), and that is a verdict on C0 in the action that hung; the kit goes on,
     * and the next chain gets a fresh child.
     */
    @Test
    void aLibraryThatHangsIsKilledAndJudged() {
        System.setProperty("vakit.worker.timeout", "1");
        try {
            ContractMachine machine = new ContractMachine(BrokenNativeLibrary.forgottenUnlock());
            var hung = Replay.run(machine, "vakit1|" + machine.name() + "|alloc#0(70000,1);alloc#1(16,1)");
            assertThat(hung.violation().rule()).isEqualTo(io.vakit.spec.engine.Isolation.SURVIVES);
            assertThat(hung.violation().getMessage()).contains("hung for more than 1 s in a call and was killed")
                    .contains("during action 2, alloc#1(16,1)");
            assertThat(Replay.run(machine, "vakit1|" + machine.name() + "|alloc#0(16,1);alloc#1(64,1)").passed())
                    .as("the next chain, in a fresh child").isTrue();
        } finally {
            System.clearProperty("vakit.worker.timeout");
        }
    }

    /**
     * Where there is no fork server (no C compiler, or {@code -Dvakit.forkserver=false}), the same crash is judged
     * in worker JVMs, one per chain: the JVM's own fatal-error report names the frame, and the report says which path
     * ran.
     */
    @Test
    void withoutAForkServerChainsRunInWorkerJvms() {
        io.vakit.spi.AllocatorProvider p = BrokenNativeLibrary.classConfusion();
        io.vakit.spi.AllocatorProvider noForks = new io.vakit.kit.InWorkerJvms(p, "a test said so");
        ContractMachine machine = new ContractMachine(noForks);
        assertThat(machine.isolated()).as("each chain in a worker JVM").isTrue();
        assertThat(ContractMachine.forking(noForks)).isFalse();
        long workers = io.vakit.spec.engine.Isolation.workersStarted();
        io.vakit.kit.ContractReport report = io.vakit.kit.ContractReport.run(noForks,
                Settings.fromSystemProperties().withTries(2)); // the first chain crashes; its shrinking is the cost
        Verdict verdict = report.verdict();
        System.out.println(verdict.describe());
        assertThat(io.vakit.spec.engine.Isolation.workersStarted()).isGreaterThan(workers);
        Verdict.Failure crash = verdict.failureOf(io.vakit.spec.engine.Isolation.SURVIVES);
        assertThat(crash).as("a crash among %s", verdict.failures()).isNotNull();
        assertThat(crash.violation().getMessage()).contains("died by SIGSEGV in").contains("cc_malloc")
                .contains("# A fatal error has been detected");
        assertThat(report.isolation()).isEqualTo("worker JVMs, no fork server: a test said so");
        assertThat(report.summary()).contains("worker JVMs, no fork server: a test said so");
    }

    /**
     * A bug that needs the library's whole history (the 97th allocation since it was loaded overlaps) replays exactly
     * from its printed line, because every chain, and every replay, starts in a fresh process.
     */
    @Test
    void aBugThatDependsOnTheLibrarysHistoryReplaysExactly() {
        ContractMachine machine = new ContractMachine(BrokenNativeLibrary.countedOverlap());
        Verdict v = Engine.check(machine, Settings.fromSystemProperties().withTries(10));
        System.out.println(v.describe());
        Verdict.Failure f = v.failureOf(Rule.C2_NO_OVERLAP.label());
        assertThat(f).isNotNull();
        assertThat(io.vakit.spec.engine.Machines.replay(f.replay()).violation().rule())
                .isEqualTo(Rule.C2_NO_OVERLAP.label());
    }

    /**
     * C8 judges a native library's own counter where its user maps one ({@code live_count=}): a correct count passes,
     * a count that drifts on large frees fails C8; without a mapping, C8 is SKIPPED (the guard's count is vakit's).
     */
    @Test
    void aMappedLiveCountIsJudgedByC8() {
        Settings few = Settings.fromSystemProperties().withTries(8); // the contract's chains alone: the rule is the point
        Verdict good = Engine.check(new ContractMachine(BrokenNativeLibrary.counted()), few);
        Verdict bad = Engine.check(new ContractMachine(BrokenNativeLibrary.driftingCount()), few);
        Verdict unmapped = Engine.check(new ContractMachine(BrokenNativeLibrary.seed003Style()), few.withTries(2));
        System.out.print(good.describe() + bad.describe());
        assertThat(status(BrokenNativeLibrary.counted(), good, Rule.C8_STATS)).isEqualTo(io.vakit.kit.RuleResult.Status.PASS);
        assertThat(bad.failureOf(Rule.C8_STATS.label())).as("a drifting count fails C8").isNotNull();
        assertThat(status(BrokenNativeLibrary.seed003Style(), unmapped, Rule.C8_STATS))
                .isEqualTo(io.vakit.kit.RuleResult.Status.SKIPPED);
        assertThat(status(BrokenNativeLibrary.counted(), good, Rule.M2_DOUBLE_FREE))
                .isEqualTo(io.vakit.kit.RuleResult.Status.BINDING);
    }

    private static io.vakit.kit.RuleResult.Status status(io.vakit.spi.AllocatorProvider p, Verdict v, Rule rule) {
        return io.vakit.kit.ContractReport.rules(p, v).stream().filter(x -> x.rule() == rule).findFirst().orElseThrow()
                .status();
    }
}
