package io.vakit.kit;

import io.vakit.spec.contract.ContractMachine;
import io.vakit.spec.engine.Engine;
import io.vakit.spec.engine.Settings;
import io.vakit.spec.engine.Verdict;
import io.vakit.spi.AllocatorProvider;
import java.io.PrintStream;

/**
 * The contract's speed on one native library by each path, side by side in one run ({@code vakit.args="speed
 * <id>"}): chains in children of the fork server, in worker JVMs, and in the kit's own process ({@code
 * vakit.isolate=false}), each after a warm-up, with chains per second (and per core) and checked operations per second.
 */
public final class IsolationSpeed {
    private IsolationSpeed() {}

    /** Measures {@code p} by each path with {@code settings}; prints a table on {@code out}. */
    static void measure(AllocatorProvider p, Settings settings, PrintStream out) {
        int cores = Runtime.getRuntime().availableProcessors();
        out.printf("vakit: the contract on %s by each path, %d chains of up to %d actions, on %d CPUs%n",
                p.id(), settings.tries(), settings.length(), cores);
        out.printf("%-14s %6s %7s %8s %9s %14s %14s%n", "path", "at once", "chains", "seconds", "chains/s",
                "chains/s/core", "operations/s");
        row(out, "fork server", new ContractMachine(p), settings, cores);
        row(out, "worker JVMs", new ContractMachine(new InWorkerJvms(p, "measured")), settings.withTries(Math.max(4,
                settings.tries() / 4)), cores);
        String was = System.getProperty("vakit.isolate");
        System.setProperty("vakit.isolate", "false");
        try {
            row(out, "in process", new ContractMachine(p), settings, cores);
        } finally {
            if (was == null) {
                System.clearProperty("vakit.isolate");
            } else {
                System.setProperty("vakit.isolate", was);
            }
        }
    }

    private static void row(PrintStream out, String path, ContractMachine machine, Settings settings, int cores) {
        Engine.check(machine, new Settings(settings.seed() + 1, Math.max(2, settings.tries() / 4), settings.length()));
        Verdict v = Engine.check(machine, settings);
        double s = Math.max(1e-9, v.elapsed().toNanos() / 1e9);
        long ops = v.coverage().getOrDefault("count:operations", 0L);
        int degree = machine.parallelChains() || machine.isolated() ? Engine.degree(machine) : 1;
        int busy = Math.max(1, Math.min(cores, degree * machine.processesPerChain()));
        out.printf("%-14s %6d %7d %8.1f %9.1f %14.1f %14.0f%s%n", path, degree, v.chainsRun(), s, v.chainsRun() / s,
                v.chainsRun() / s / busy, ops / s, v.passed() ? "" : "  (FAILED)");
    }
}
