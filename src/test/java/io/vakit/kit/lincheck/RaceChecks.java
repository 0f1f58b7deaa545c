package io.vakit.kit.lincheck;

import java.lang.reflect.Method;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.StressOptions;

/**
 * Runs the race checks of a design (rules T2 to T4) as its Lincheck test does in {@code mvn verify}: model checking
 * of the close race and of the free races (each with its custom scenarios, where the races sit), then stress of the
 * close race, whose crash model checking may not reach. Scale with {@code -Dvakit.lincheck.scale}.
 */
public final class RaceChecks {
    private RaceChecks() {}

    /** Checks {@code closeRaces} and {@code freeRaces}, each a test class of the design under Lincheck. */
    public static void check(Class<? extends CloseRaceLincheck> closeRaces, Class<? extends FreeRaceLincheck> freeRaces) {
        int scale = Integer.getInteger("vakit.lincheck.scale", 1);
        AllocatorLincheck.check(CloseRaceLincheck.modelCheckingOptions(scale), closeRaces);
        AllocatorLincheck.check(FreeRaceLincheck.modelCheckingOptions(scale), freeRaces);
        AllocatorLincheck.check(CloseRaceLincheck.stressOptions(scale), closeRaces);
    }

    /**
     * Model checking of {@code scenarios} against {@code spec}, and {@code random} random scenarios. A design's loops
     * over its units (64 arenas of a slice, say) run under its own lock: model checking is let through 256 iterations
     * of a loop before it calls it a spin that makes no progress (its default, 50, reported a hang where there was
     * none).
     */
    static ModelCheckingOptions modelChecking(int random, Class<?> spec, List<ExecutionScenario> scenarios) {
        return withScenarios(AllocatorLincheck.withGuarantees(new ModelCheckingOptions().iterations(random)
                .invocationsPerIteration(40).threads(2).actorsPerThread(2).loopBound(256)
                .loopIterationsBeforeThreadSwitch(64)), spec, scenarios);
    }

    /** Stress mode on {@code scenarios} against {@code spec}, and {@code random} random scenarios. */
    static StressOptions stress(int random, Class<?> spec, List<ExecutionScenario> scenarios) {
        return withScenarios(new StressOptions().iterations(random).invocationsPerIteration(100).threads(2)
                .actorsPerThread(2), spec, scenarios);
    }

    private static <O extends Options<O, ?>> O withScenarios(O options, Class<?> spec,
            List<ExecutionScenario> scenarios) {
        options.sequentialSpecification(spec);
        for (ExecutionScenario s : scenarios) {
            options.addCustomScenario(s);
        }
        return options;
    }

    /** A scenario of two threads, one call each, raced. */
    static ExecutionScenario raced(Actor first, Actor second) {
        return new ExecutionScenario(List.of(), List.of(List.of(first), List.of(second)), List.of(), null);
    }

    /** The call of {@code test}'s operation {@code name} with int arguments {@code args}. */
    static Actor actor(Class<?> test, String name, Integer... args) {
        try {
            Class<?>[] types = new Class<?>[args.length];
            java.util.Arrays.fill(types, int.class);
            Method m = test.getMethod(name, types);
            return new Actor(m, List.of((Object[]) args));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}
