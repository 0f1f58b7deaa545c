package io.vakit.spec.contract;

import io.vakit.spec.engine.MachineFactory;
import io.vakit.spec.engine.StateMachine;
import io.vakit.spi.AllocatorProvider;
import java.util.Optional;
import io.vakit.spi.ProviderSource;
import java.util.ServiceLoader;

/**
 * Makes {@code contract:<id>} machines for every {@link AllocatorProvider} on the class path, and
 * {@code contract-small:<id>} for those with a small configuration.
 */
public final class ContractMachines implements MachineFactory {
    /** Used by {@link ServiceLoader}. */
    public ContractMachines() {}

    @Override
    public Optional<StateMachine<?, ?>> create(String name) {
        if (name.startsWith(SoakMachine.PREFIX)) {
            return provider(name.substring(SoakMachine.PREFIX.length())).map(SoakMachine::new);
        }
        if (name.startsWith(ContractMachine.SMALL_PREFIX)) {
            return provider(name.substring(ContractMachine.SMALL_PREFIX.length())).map(p -> new ContractMachine(p, true));
        }
        if (!name.startsWith(ContractMachine.PREFIX)) {
            return Optional.empty();
        }
        String id = name.substring(ContractMachine.PREFIX.length());
        return provider(id).map(ContractMachine::new);
    }

    /** The provider whose design id is {@code id}, among those {@link ProviderSource#all()} finds. */
    public static Optional<AllocatorProvider> provider(String id) {
        for (AllocatorProvider p : ServiceLoader.load(AllocatorProvider.class)) {
            if (p.id().equals(id) || p.replayName().equals(id)) {
                return Optional.of(p);
            }
        }
        for (ProviderSource source : ServiceLoader.load(ProviderSource.class)) { // by name: nothing else is loaded
            Optional<AllocatorProvider> p = source.resolve(id);
            if (p.isPresent()) {
                return p;
            }
        }
        for (AllocatorProvider p : ProviderSource.all()) {
            if (p.id().equals(id) || p.replayName().equals(id)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
