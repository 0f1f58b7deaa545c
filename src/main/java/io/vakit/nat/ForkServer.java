package io.vakit.nat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One library loaded once in a process of its own, the fork server ({@code forkserver.c}), which forks a fresh child
 * for each allocator the kit opens ({@link #fork}): every child starts from the state the server reached after
 * binding, so a chain replayed in a fresh child runs exactly as it ran. The kit talks to a child through a region of
 * shared memory ({@link ForkedChild}); the server tells the kit each child's pid and, when a child ends, its wait status. One
 * server per library and binding serves the whole JVM ({@link #of}); it ends when the JVM does (its stdin closes).
 */
final class ForkServer {
    private static final Map<String, ForkServer> SERVERS = new ConcurrentHashMap<>();
    private static final AtomicLong CHILDREN = new AtomicLong();
    /** How long a call may run before its child is killed as hung ({@code vakit.worker.timeout}, seconds; 300). */
    static long timeoutSeconds() {
        return Math.max(1, Long.getLong("vakit.worker.timeout", 300));
    }

    private final String design;
    private final Process process;
    private final OutputStream control;
    private final Path dir;
    private final Path regions;
    private final Map<Long, Long> pids = new HashMap<>();
    private final Map<Long, Long> ids = new HashMap<>();
    private final Map<Long, Integer> exits = new HashMap<>();
    private final Set<Long> released = new java.util.HashSet<>();
    private final Set<ForkedChild> live = ConcurrentHashMap.newKeySet();
    private final Object forking = new Object();
    private boolean ready;
    private boolean ended;
    private long nextId;

    /**
     * The server of {@code library} (null: the process's own functions, glibc's) bound as {@code binding} says,
     * started at first use.
     *
     * @throws IllegalStateException when the server cannot start: the message says why
     */
    static ForkServer of(String design, Path library, NativeMalloc.Binding binding) {
        List<String> args = new ArrayList<>();
        args.add(library == null ? "-" : library.toAbsolutePath().toString());
        binding.names().forEach((function, symbol) -> args.add(function + "=" + symbol));
        if (binding.sized()) {
            args.add("sized");
        }
        return SERVERS.computeIfAbsent(String.join(" ", args), k -> new ForkServer(design, args));
    }

    private static final Map<String, String> FAILED = new ConcurrentHashMap<>();

    /**
     * Why the server of {@code library} bound as {@code binding} cannot serve (no C compiler, the library does not load
     * in a plain process...), or null when it runs: it is started here.
     */
    static String whyNot(String design, Path library, NativeMalloc.Binding binding) {
        if ("false".equals(System.getProperty("vakit.forkserver", "").strip())) {
            return "-Dvakit.forkserver=false";
        }
        String why = ForkServerBinary.unavailable();
        if (why != null) {
            return why;
        }
        String key = design + " " + library + " " + binding.names() + binding.sized();
        return FAILED.computeIfAbsent(key, k -> {
            try {
                of(design, library, binding);
                return "";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        }).transform(s -> s.isEmpty() ? null : s);
    }

    /** How many children the fork servers of this JVM have forked. */
    static long childrenForked() {
        return CHILDREN.get();
    }

    private ForkServer(String design, List<String> args) {
        Path exe = ForkServerBinary.path();
        if (exe == null) {
            throw new IllegalStateException("design '" + design + "': no fork server: " + ForkServerBinary.unavailable());
        }
        this.design = design;
        try {
            dir = Files.createTempDirectory("vakit-fs");
            dir.toFile().deleteOnExit();
            Path shm = Path.of("/dev/shm");
            regions = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "vakit-fs") : dir;
            regions.toFile().deleteOnExit();
            List<String> cmd = new ArrayList<>(List.of(exe.toString()));
            cmd.addAll(args);
            Path err = dir.resolve("server.err");
            err.toFile().deleteOnExit();
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile());
            pb.environment().putIfAbsent("GLIBC_TUNABLES", "glibc.rtld.optional_static_tls=16384"); // jemalloc's TLS
            process = pb.start();
            control = process.getOutputStream();
            Thread.ofPlatform().daemon().name("vakit-forkserver-" + design).start(this::readControl);
            synchronized (this) {
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (!ready && !ended && System.nanoTime() < deadline) {
                    wait(100);
                }
                if (!ready) {
                    process.destroyForcibly();
                    throw new IllegalStateException("design '" + design + "': the fork server did not start: "
                            + Files.readString(err).strip());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("design '" + design + "': starting the fork server failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the fork server of " + design + " started", e);
        }
        Thread.ofPlatform().daemon().name("vakit-forkserver-watchdog-" + design).start(this::watch);
    }

    /** Reads the server's lines: ready, the pid of each fork, the wait status of each child that ended. */
    private void readControl() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.US_ASCII))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(" ");
                synchronized (this) {
                    switch (f[0]) {
                        case "ready" -> ready = true;
                        case "pid" -> {
                            pids.put(Long.parseLong(f[1]), Long.parseLong(f[2]));
                            ids.put(Long.parseLong(f[2]), Long.parseLong(f[1]));
                        }
                        case "exit" -> {
                            Long id = ids.remove(Long.parseLong(f[1]));
                            if (id != null && !released.remove(id)) {
                                exits.put(id, Integer.parseInt(f[2]));
                            } else if (id != null) {
                                pids.remove(id);
                            }
                        }
                        default -> { } // not the protocol's
                    }
                    notifyAll();
                }
            }
        } catch (IOException | RuntimeException e) {
            // the server ended: every child still waited for is then judged from what it left
        }
        synchronized (this) {
            ended = true;
            notifyAll();
        }
    }

    /** Kills a child whose call has run longer than {@link #timeoutSeconds()}: a hang is a verdict too. */
    private void watch() {
        while (true) {
            try {
                Thread.sleep(Math.min(1000, timeoutSeconds() * 250));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (ForkedChild c : live) {
                c.killIfHung(now, timeoutSeconds() * 1_000_000_000L);
            }
        }
    }

    /**
     * A fresh child, with its shared region: the fork is asked for, and not waited for (the child serves the region's
     * first request as soon as it runs).
     *
     * @throws IllegalStateException when the server has ended, or the region cannot be made
     */
    ForkedChild fork(MallocCalls shape) {
        synchronized (forking) {
            if (ended) {
                throw new IllegalStateException("design '" + design + "': the fork server has ended");
            }
            long id = ++nextId;
            Path err = dir.resolve(id + ".err");
            Path region = regions.resolve(Long.toString(id));
            try {
                ForkedChild child = new ForkedChild(this, design, id, region, err, shape);
                control.write(("fork " + id + " " + region + " " + err + "\n").getBytes(StandardCharsets.US_ASCII));
                control.flush();
                CHILDREN.incrementAndGet();
                live.add(child);
                return child;
            } catch (IOException e) {
                throw new IllegalStateException("design '" + design + "': forking a child failed: " + e, e);
            }
        }
    }

    /** The pid of child {@code id}, waiting for the server to say it; -1 when it could not fork. */
    synchronized long pidOf(long id) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        try {
            while (!pids.containsKey(id) && !ended && System.nanoTime() < deadline) {
                wait(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return pids.getOrDefault(id, -1L);
    }

    /** True when child {@code id} has ended (or the server has). */
    synchronized boolean hasEnded(long id) {
        return exits.containsKey(id) || ended;
    }

    /**
     * The wait status of child {@code id} once it ended, waiting at most {@code millis}; {@link Integer#MIN_VALUE}
     * when it is not known by then.
     */
    synchronized int awaitExit(long id, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        try {
            while (!exits.containsKey(id) && !ended && System.nanoTime() < deadline) {
                wait(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Integer status = exits.remove(id);
        pids.remove(id);
        return status == null ? Integer.MIN_VALUE : status;
    }

    /** Forgets a child that was released: its exit, when it comes, is dropped. */
    synchronized void forget(ForkedChild child, long id) {
        live.remove(child);
        if (exits.remove(id) == null) {
            released.add(id);
        } else {
            pids.remove(id);
        }
    }

    /** Stops watching a child that died. */
    void dead(ForkedChild child) {
        live.remove(child);
    }
}
