package io.vakit.spec.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one-line form of a chain: {@code vakit1|<machine>|<action>;<action>;...}. Replaying it runs exactly those
 * actions against a fresh system and model: no randomness is involved.
 */
public final class Replay {
    /** The prefix every replay string starts with. */
    public static final String VERSION = "vakit1";

    private Replay() {}

    /** The replay string of {@code chain} on {@code machine}. */
    public static String encode(String machine, List<? extends Action<?, ?>> chain) {
        StringBuilder s = new StringBuilder(VERSION).append('|').append(machine).append('|');
        for (int i = 0; i < chain.size(); i++) {
            s.append(i == 0 ? "" : ";").append(chain.get(i));
        }
        return s.toString();
    }

    /** The machine a replay string names. */
    public static String machineOf(String replay) {
        return split(replay)[1];
    }

    /**
     * Reads the actions of a replay string with {@code machine}'s action types.
     *
     * @throws IllegalArgumentException if the string is malformed or names an action no type reads
     */
    public static <S, M> List<Action<S, M>> decode(StateMachine<S, M> machine, String replay) {
        String[] parts = split(replay);
        if (!parts[1].equals(machine.name())) {
            throw new IllegalArgumentException("replay is for machine '" + parts[1] + "', not '" + machine.name() + "'");
        }
        List<Action<S, M>> chain = new ArrayList<>();
        if (parts[2].isBlank()) {
            return chain;
        }
        for (String text : parts[2].split(";")) {
            chain.add(action(machine, text));
        }
        return chain;
    }

    /**
     * Reads one action, as its {@code toString()} wrote it, with {@code machine}'s action types.
     *
     * @throws IllegalArgumentException if no type reads it
     */
    public static <S, M> Action<S, M> action(StateMachine<S, M> machine, String text) {
        Encoded encoded = Encoded.parse(text);
        for (ActionType<S, M> type : machine.actionTypes()) {
            Optional<Action<S, M>> action = type.parse(encoded);
            if (action.isPresent()) {
                return action.get();
            }
        }
        throw new IllegalArgumentException("machine '" + machine.name() + "' has no action '" + text + "'");
    }

    /** Replays {@code replay} on {@code machine}. */
    public static <S, M> Run<S, M> run(StateMachine<S, M> machine, String replay) {
        return Run.of(machine, decode(machine, replay));
    }

    /** A JUnit 5 test that replays the chain, ready to paste into a test class. */
    public static String junitTest(String replay) {
        String name = "replay_" + machineOf(replay).replaceAll("[^A-Za-z0-9]", "_") + "_"
                + Integer.toHexString(replay.hashCode());
        return "@org.junit.jupiter.api.Test\nvoid " + name + "() {\n    io.vakit.spec.engine.Machines.assertPasses(\""
                + replay.replace("\\", "\\\\").replace("\"", "\\\"") + "\");\n}";
    }

    private static String[] split(String replay) {
        String[] parts = replay.strip().split("\\|", 3);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw new IllegalArgumentException("not a replay string: '" + replay + "' (expected "
                    + VERSION + "|<machine>|<actions>)");
        }
        return parts;
    }
}
