package io.vakit.spec.contract;

import io.vakit.spec.engine.ActionType;
import io.vakit.spec.engine.StateMachine;
import io.vakit.spi.Allocator;
import io.vakit.spi.AllocatorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The contract as a state machine over any {@link AllocatorProvider}: every action runs against a fresh
 * allocator and an {@link AllocatorModel}; after each one the stats and every written block are checked.
 * Its name is {@code contract:<design id>}.
 */
public final class ContractMachine implements StateMachine<Allocator, AllocatorModel> {
    /** The prefix of every contract machine's name. */
    public static final String PREFIX = "contract:";

    private final AllocatorProvider provider;
    private final List<ActionType<Allocator, AllocatorModel>> types;

    /** The contract machine of {@code provider}'s design. */
    public ContractMachine(AllocatorProvider provider) {
        this.provider = provider;
        List<ActionType<Allocator, AllocatorModel>> all = new ArrayList<>();
        all.addAll(BlockSteps.types());
        all.addAll(QuerySteps.types());
        all.addAll(MisuseSteps.types());
        this.types = List.copyOf(all);
    }

    @Override
    public String name() {
        return PREFIX + provider.id();
    }

    @Override
    public Allocator newSystem() {
        return provider.open();
    }

    @Override
    public AllocatorModel newModel() {
        return new AllocatorModel(provider.descriptor());
    }

    @Override
    public List<ActionType<Allocator, AllocatorModel>> actionTypes() {
        return types;
    }

    @Override
    public void checkInvariants(Allocator system, AllocatorModel model) {
        if (model.closed()) {
            return;
        }
        model.checkStats(system);
        model.checkContents(Rule.C5_CONTENTS, "the last action");
    }

    @Override
    public Map<String, Long> coverage(AllocatorModel model) {
        return model.coverage();
    }

    @Override
    public void dispose(Allocator system) {
        system.close();
    }
}
