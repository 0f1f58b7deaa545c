package io.vakit.spec.engine;

import java.util.List;

/**
 * A system under test, its model, and the actions that drive both.
 *
 * @param <S> the system under test
 * @param <M> the model
 */
public interface StateMachine<S, M> {
    /** The name replay strings use to find this machine again, such as {@code contract:glibc}. */
    String name();

    /** A fresh system. */
    S newSystem();

    /** A fresh model, in the state a fresh system starts in. */
    M newModel();

    /** The kinds of action. */
    List<ActionType<S, M>> actionTypes();

    /** Checks everything that must hold between any two actions. */
    void checkInvariants(S system, M model) throws Violation;

    /**
     * The actions that end every generated chain, given the model's state after its last random action (the contract
     * closes the allocator here, and then checks that every operation is refused). Replays run exactly what they
     * list, so these are part of a chain's text.
     */
    default List<Action<S, M>> finish(M model) {
        return List.of();
    }

    /**
     * What the run that left {@code model} covered: how often each rule was checked, by rule id, and any other
     * counters the machine keeps. Counters are summed over a run's chains, except those whose name starts with
     * {@code max:}, whose largest value is kept.
     */
    default java.util.Map<String, Long> coverage(M model) {
        return java.util.Map.of();
    }

    /**
     * Called before each generated chain with what the run has covered so far (merged as {@link Engine#merge}
     * does), so that generation can aim at what is still unreached. Replays do not depend on it: the actions a chain
     * ran are its text. The default ignores it.
     */
    default void beforeChain(java.util.Map<String, Long> coveredSoFar) {}

    /**
     * True when every chain must run in a fresh child JVM of its own ({@link Isolation}): for a system in native
     * code, whose crash would end the checking process and whose state would outlive a chain. A crash is then a
     * verdict ({@link Isolation#SURVIVES}), and a replay reruns in a fresh process, exactly. The default is false.
     */
    default boolean isolated() {
        return false;
    }

    /**
     * True when the whole run must go to one child JVM of its own ({@link RunIsolation}): for a Java implementation
     * from outside, which can crash the process as native code can (it writes native memory through FFM) but whose
     * chains are cheap enough to run one after another in one process. Only a chain that kills that process is then
     * replayed and shrunk in fresh workers, each chain alone ({@link Isolation}); a crash is a verdict ({@link
     * Isolation#SURVIVES}). The default is false.
     */
    default boolean runIsolated() {
        return false;
    }

    /**
     * True when chains of this machine may run at once in one process ({@link Engine#degree()}). False for a machine
     * whose checks ask the kernel about the process's address space (a range unmapped by close must stay unmapped):
     * another chain running at the same time may map the same range, and the check would blame the wrong system. Its
     * chains then run one at a time here; in worker processes, at once. The default is true.
     */
    default boolean parallelChains() {
        return true;
    }

    /**
     * How many processes one chain keeps busy: 2 when the system runs in a process of its own that the chain's thread
     * waits on turn by turn (a forked child), so that {@link Engine#degree()} runs half as many chains at once. 1 by
     * default.
     */
    default int processesPerChain() {
        return 1;
    }

    /** Releases a system after a run, whatever happened. */
    void dispose(S system);
}
