package io.vakit.spec.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The outcome of running one chain: the actions that applied and ran, and the violation that stopped it.
 *
 * @param applied the actions that ran, in order; on failure the last one is the failing action
 * @param violation the broken rule, or {@code null} when every action passed
 * @param coverage how often each rule was checked
 * @param <S> the system under test
 * @param <M> the model
 */
public record Run<S, M>(List<Action<S, M>> applied, Violation violation, Map<String, Long> coverage) {

    /** True when no rule was broken. */
    public boolean passed() {
        return violation == null;
    }

    /**
     * Runs {@code chain} on a fresh system and model, skipping the actions that do not apply; for an
     * {@linkplain StateMachine#isolated() isolated} machine, in a fresh worker process.
     */
    public static <S, M> Run<S, M> of(StateMachine<S, M> machine, List<Action<S, M>> chain) {
        if (Isolation.replaysInWorkers(machine)) {
            return Isolation.replay(machine, chain);
        }
        CandidateListener listener = candidates;
        if (listener != null) {
            listener.starting();
            return here(machine, chain, listener::action);
        }
        return here(machine, chain, a -> { });
    }

    /** Told of every chain {@link #of} replays in this process (a run worker announces shrinking candidates). */
    interface CandidateListener {
        /** A candidate chain starts. */
        void starting();

        /** One of its actions is about to run. */
        void action(Action<?, ?> action);
    }

    /** The listener of a run worker, or null. */
    static volatile CandidateListener candidates;

    /** Runs {@code chain} in this process, telling {@code starting} of each action before it runs. */
    static <S, M> Run<S, M> here(StateMachine<S, M> machine, List<Action<S, M>> chain,
            java.util.function.Consumer<Action<S, M>> starting) {
        List<Action<S, M>> fixed = chain;
        return drive(machine, new Supplier<>() {
            private int next;

            @Override
            public Action<S, M> get() {
                return next < fixed.size() ? fixed.get(next++) : null;
            }
        }, m -> null, starting);
    }

    /** A source of the next action, given the model's state; null ends the chain. */
    @FunctionalInterface
    interface Generator<S, M> {
        Action<S, M> next(M model);
    }

    static <S, M> Run<S, M> drive(StateMachine<S, M> machine, Supplier<Action<S, M>> fixed, Generator<S, M> gen) {
        return drive(machine, fixed, gen, a -> { });
    }

    static <S, M> Run<S, M> drive(StateMachine<S, M> machine, Supplier<Action<S, M>> fixed, Generator<S, M> gen,
            java.util.function.Consumer<Action<S, M>> starting) {
        return drive(machine, fixed, gen, starting, () -> { });
    }

    /**
     * Runs a chain; {@code prepare} runs first, then the fresh system and model are made, all three under the
     * machine's lock (chains of one machine may run at once).
     */
    static <S, M> Run<S, M> drive(StateMachine<S, M> machine, Supplier<Action<S, M>> fixed, Generator<S, M> gen,
            java.util.function.Consumer<Action<S, M>> starting, Runnable prepare) {
        S system;
        M model;
        synchronized (machine) {
            prepare.run();
            system = machine.newSystem();
            model = machine.newModel();
        }
        List<Action<S, M>> applied = new ArrayList<>();
        Violation violation = null;
        try {
            machine.checkInvariants(system, model);
            while (true) {
                Action<S, M> action = fixed.get();
                if (action == null) {
                    action = gen.next(model);
                }
                if (action == null) {
                    break;
                }
                if (!action.applicable(model)) {
                    continue;
                }
                applied.add(action);
                starting.accept(action);
                action.run(system, model);
                machine.checkInvariants(system, model);
            }
        } catch (Violation v) {
            violation = v;
        } catch (io.vakit.spi.ImplementationDiedException e) {
            violation = died(e, applied);
        } catch (InternalError e) {
            // the JVM turns a fault in an unsafe memory access (a write or read through a MemorySegment at an address
            // that is not mapped) into this error: in a native process that access would have killed it
            violation = new Violation(Isolation.SURVIVES, "a memory fault during action " + applied.size()
                    + (applied.isEmpty() ? "" : ", " + applied.getLast()) + ": " + e.getMessage()
                    + " (the memory the allocator handed out, or the memory it keeps, is not mapped there)", e);
        } catch (RuntimeException | AssertionError e) {
            violation = new Violation("unexpected-exception", e.getClass().getName() + ": " + e.getMessage(), e);
        } finally {
            try {
                machine.dispose(system);
            } catch (io.vakit.spi.ImplementationDiedException e) {
                if (violation == null) {
                    violation = died(e, applied);
                }
            } catch (RuntimeException e) {
                if (violation == null) {
                    violation = new Violation("dispose", "releasing the system failed: " + e, e);
                }
            }
        }
        return new Run<>(List.copyOf(applied), violation, machine.coverage(model));
    }

    /** A process that ran the implementation died: rule {@link Isolation#SURVIVES}, with the action it died in. */
    static Violation died(io.vakit.spi.ImplementationDiedException e, List<? extends Action<?, ?>> applied) {
        String when = applied.isEmpty() ? "before its first action" : "during action " + applied.size() + ", "
                + applied.getLast();
        return new Violation(Isolation.SURVIVES, "the process " + e.how() + " " + when
                + "; its stderr:\n" + (e.stderr().isEmpty() ? "(nothing)" : e.stderr()));
    }
}
