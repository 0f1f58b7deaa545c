package io.vakit.spec.engine;

import java.util.ServiceLoader;

/** Finds machines by name through every registered {@link MachineFactory}, and replays chains on them. */
public final class Machines {
    private Machines() {}

    /**
     * The machine called {@code name}.
     *
     * @throws IllegalArgumentException when no factory makes it
     */
    public static StateMachine<?, ?> find(String name) {
        for (MachineFactory factory : ServiceLoader.load(MachineFactory.class)) {
            var machine = factory.create(name);
            if (machine.isPresent()) {
                return machine.get();
            }
        }
        throw new IllegalArgumentException("no state machine called '" + name
                + "' (is its provider on the class path?)");
    }

    /** Replays a chain on the machine it names. */
    public static Run<?, ?> replay(String replay) {
        return Replay.run(find(Replay.machineOf(replay)), replay);
    }

    /** Replays a chain and throws {@link AssertionError} with the violation when it fails. */
    public static void assertPasses(String replay) {
        Run<?, ?> run = replay(replay);
        if (!run.passed()) {
            throw new AssertionError("replay failed after " + run.applied().size() + " actions: "
                    + run.violation().getMessage() + "\n  replay: " + replay, run.violation());
        }
    }

    /** Replays a chain and throws {@link AssertionError} unless it breaks a rule. */
    public static Violation assertFails(String replay) {
        Run<?, ?> run = replay(replay);
        if (run.passed()) {
            throw new AssertionError("replay was expected to fail but passed: " + replay);
        }
        return run.violation();
    }
}
