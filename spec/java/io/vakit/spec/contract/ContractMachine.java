package io.vakit.spec.contract;

import io.vakit.spec.engine.Action;
import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.StateMachine;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import io.vakit.spi.Feature;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The contract as a state machine over any {@link AllocatorProvider}: every action runs against a fresh
 * allocator and an {@link AllocatorModel}; after each one the stats and the written blocks near what it touched
 * are checked (every written block every {@value AllocatorModel#FULL_CHECK_EVERY} actions and before close). Every
 * generated chain ends by closing the allocator and checking that every operation is then refused.
 *
 * <p>Its name is {@code contract:<design id>}; the variant on the provider's small configuration, where exhaustion
 * is reached, is {@code contract-small:<design id>}.
 */
public final class ContractMachine implements StateMachine<Allocator, AllocatorModel> {
    /** The prefix of every contract machine's name. */
    public static final String PREFIX = "contract:";
    /** The prefix of the machines on a provider's small configuration. */
    public static final String SMALL_PREFIX = "contract-small:";

    private final AllocatorProvider provider;
    private final boolean small;
    private final List<ActionType<Allocator, AllocatorModel>> types;
    private final io.vakit.spi.DesignDescriptor descriptor;
    private Map<String, Long> coveredSoFar = Map.of();
    private static final java.util.concurrent.atomic.AtomicLong FORKED = new java.util.concurrent.atomic.AtomicLong();

    /** The contract machine of {@code provider}'s design, on its normal configuration. */
    public ContractMachine(AllocatorProvider provider) {
        this(provider, false);
    }

    /**
     * The contract machine of {@code provider}'s design, on its small configuration when {@code small}.
     *
     * @throws IllegalArgumentException for {@code small} when the design does not declare SMALL_CONFIGURATION
     */
    public ContractMachine(AllocatorProvider provider, boolean small) {
        if (small && !provider.descriptor().has(Feature.SMALL_CONFIGURATION)) {
            throw new IllegalArgumentException("design '" + provider.id() + "' does not declare SMALL_CONFIGURATION");
        }
        this.provider = provider;
        this.small = small;
        this.descriptor = small ? smallDescriptor(provider) : provider.descriptor();
        List<ActionType<Allocator, AllocatorModel>> all = new ArrayList<>();
        all.addAll(BlockSteps.types());
        all.addAll(BurstSteps.types());
        all.addAll(FamilySteps.types());
        all.addAll(QuerySteps.types());
        all.addAll(MisuseSteps.types());
        all.addAll(FaultSteps.types());
        this.types = List.copyOf(all);
    }

    /** The descriptor of the provider's small configuration: opened once to read it. */
    private static io.vakit.spi.DesignDescriptor smallDescriptor(AllocatorProvider provider) {
        try (Allocator a = provider.openSmall()) {
            return a.descriptor();
        }
    }

    @Override
    public String name() {
        return (small ? SMALL_PREFIX : PREFIX) + provider.replayName();
    }

    /**
     * Each chain in a fresh worker process when the provider asks for it (native code), unless {@code
     * -Dvakit.isolate=false} keeps every chain in this process: faster, but a crash then ends the run and a replay
     * may depend on earlier chains.
     */
    @Override
    public boolean isolated() {
        return isolating(provider) && !forking(provider);
    }

    /**
     * True when {@code provider}'s chains each run in a fresh child of its fork server ({@link
     * AllocatorProvider#forkServed()}): the machine then stays in this process, and only the allocator is forked.
     */
    public static boolean forking(AllocatorProvider provider) {
        return isolating(provider) && !io.vakit.spec.engine.Isolation.inWorker() && provider.forkServed();
    }

    /** How many allocators the contract machines of this JVM opened in forked children. */
    public static long forkedChildren() {
        return FORKED.get();
    }

    /** True when {@code provider}'s chains run in workers: it asks for it, and {@code vakit.isolate} is not false. */
    public static boolean isolating(AllocatorProvider provider) {
        return provider.isolated() && isolationOn();
    }

    /**
     * A Java implementation from outside ({@link OutsideImplementations}) runs its whole run in a run worker, where a
     * crash is a verdict, unless {@code -Dvakit.isolate=false}.
     */
    @Override
    public boolean runIsolated() {
        return runIsolating(provider);
    }

    /** True when {@code provider}'s runs go to a run worker: a Java implementation from outside, isolation on. */
    public static boolean runIsolating(AllocatorProvider provider) {
        return !provider.isolated() && fromOutside(provider) && isolationOn();
    }

    /** True when {@code provider} is a Java implementation named from outside vakit. */
    public static boolean fromOutside(AllocatorProvider provider) {
        return OutsideImplementations.contains(provider);
    }

    /** True when a crash of {@code provider} is a verdict (rule C0): its chains run in some worker. */
    public static boolean survivalChecked(AllocatorProvider provider) {
        return isolating(provider) || runIsolating(provider);
    }

    private static boolean isolationOn() {
        return !"false".equals(System.getProperty("vakit.isolate", "").strip());
    }

    /**
     * Chains run at once unless the kit asks the kernel about this process's address space for them (FOOTPRINT, in
     * this process): another chain could map a range this one's close unmapped, and C11 would blame this system.
     * Decision (spec/engine.md): such a design's chains run one at a time; a forked child's address space is its own.
     */
    @Override
    public boolean parallelChains() {
        return !descriptor.has(Feature.FOOTPRINT) || forking(provider);
    }

    /** 2 for a forked child: the kit's thread and the child take turns. */
    @Override
    public int processesPerChain() {
        return forking(provider) ? 2 : 1;
    }

    /** True for the machine on the small configuration. */
    public boolean small() {
        return small;
    }

    @Override
    public Allocator newSystem() {
        if (!small && forking(provider)) {
            FORKED.incrementAndGet();
            return provider.openForked();
        }
        return small ? provider.openSmall() : provider.open();
    }

    @Override
    public AllocatorModel newModel() {
        return new AllocatorModel(descriptor, small, coveredSoFar, AllocatorModel.StatsScope.of(provider));
    }

    @Override
    public List<ActionType<Allocator, AllocatorModel>> actionTypes() {
        return types;
    }

    /** Generation aims at the states and edges the run has not reached yet. */
    @Override
    public void beforeChain(Map<String, Long> covered) {
        this.coveredSoFar = covered;
    }

    @Override
    public List<Action<Allocator, AllocatorModel>> finish(AllocatorModel model) {
        return MisuseSteps.finish(model);
    }

    @Override
    public void checkInvariants(Allocator system, AllocatorModel model) {
        model.useMemory(system.blockMemory());
        system.blockMemory().sync(); // what the action sent runs now: a process that dies in it dies in this action
        if (model.closed()) {
            return;
        }
        model.checkStats(system);
        model.checkRangesLeft(system);
        model.checkAfterAction();
    }

    @Override
    public Map<String, Long> coverage(AllocatorModel model) {
        Map<String, Long> covered = model.coverage();
        if (forking(provider)) { // a chain in a forked child that got here survived each of its actions
            covered = new java.util.TreeMap<>(covered);
            covered.merge(io.vakit.spec.engine.Isolation.SURVIVES, model.actionsRun(), Long::sum);
        }
        return covered;
    }

    @Override
    public void dispose(Allocator system) {
        system.close();
    }
}
