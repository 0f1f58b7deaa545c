package io.vakit.nat;

import io.vakit.spi.MisuseResponse;
import io.vakit.spi.MisuseResponse.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A native library's own answer to misuse, with vakit's guard out of the way. Each kind of misuse runs in a fresh
 * child JVM ({@link #main}): the misuse is made on the raw functions, then, if the process is still alive, 64 blocks
 * of 32 and of 256 bytes (8 of 4 MiB after a large double free) are allocated to see what followed (a block handed out twice, an address inside a block
 * still live or inside memory the library never owned). The parent reads how the child ended: SIGABRT (with the
 * library's message) is DETECTED, another signal CRASHED, a diagnostic on stderr with no harm after it DETECTED,
 * and anything else ACCEPTED SILENTLY, with what followed. See spec/native.md, "Hardening".
 */
public final class Hardening {
    /** The kinds of misuse, in the order a table prints them. */
    public static final List<String> MISUSES = List.of("invalid free", "interior free", "double free (small)",
            "double free (large)", "foreign free", "wrong-size free");
    private static final String MISUSED = "vakit-misused";
    /** What the child writes on stderr just before the misuse: the library's diagnostics come after it. */
    static final String BEGINS = "vakit-misuse-begins";
    private static final String FOLLOWED = "vakit-followed ";
    private static final Pattern CAUGHT = Pattern.compile("#\\s+(SIG[A-Z]+) \\(0x[0-9a-f]+\\)");
    private static final Pattern FRAME = Pattern.compile("# Problematic frame:\\s*\\n#\\s*(.+)");
    private static final long TIMEOUT_SECONDS = 60;

    private Hardening() {}

    /**
     * Measures every kind of misuse on the library that {@code name} builds ({@code glibc}, an installed library's
     * id, or a {@code native:} replay name), each in a fresh process.
     */
    public static List<MisuseResponse> measure(String name, boolean sizedFree) {
        List<MisuseResponse> out = new ArrayList<>();
        for (String misuse : MISUSES) {
            if (misuse.equals("wrong-size free") && !sizedFree) {
                out.add(new MisuseResponse(misuse, Response.NOT_APPLICABLE, "the library's free takes no size"));
            } else {
                out.add(run(name, misuse));
            }
        }
        return List.copyOf(out);
    }

    private static MisuseResponse run(String name, String misuse) {
        Path err = null;
        try {
            err = Files.createTempFile("vakit-hardening", ".stderr");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-XX:-CreateCoredumpOnCrash",
                    "-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "vakit-hs_err_%p.log"),
                    "-cp", System.getProperty("java.class.path"), Hardening.class.getName(), name, misuse));
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            java.util.concurrent.atomic.AtomicBoolean hung = new java.util.concurrent.atomic.AtomicBoolean();
            Thread watchdog = Thread.ofVirtual().start(() -> {
                try {
                    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        hung.set(true);
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            watchdog.interrupt();
            if (hung.get()) {
                return new MisuseResponse(misuse, Response.CRASHED, "hung for " + TIMEOUT_SECONDS + " s and was killed");
            }
            String stderr = Files.readString(err, StandardCharsets.ISO_8859_1);
            Path hsErr = Path.of(System.getProperty("java.io.tmpdir"), "vakit-hs_err_" + p.pid() + ".log");
            String crashLog = Files.exists(hsErr) ? Files.readString(hsErr, StandardCharsets.ISO_8859_1) : "";
            Files.deleteIfExists(hsErr);
            return classify(misuse, p.exitValue(), out, stderr, crashLog, libraryFile(name));
        } catch (IOException e) {
            throw new UncheckedIOException("measuring " + misuse + " on " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring " + misuse + " on " + name, e);
        } finally {
            if (err != null) {
                try {
                    Files.deleteIfExists(err);
                } catch (IOException ignored) {
                    // a temporary file left behind
                }
            }
        }
    }

    /** The file name of the library {@code name} names, as a crash frame shows it ({@code libc.so.6} for glibc). */
    static String libraryFile(String name) {
        if (name.equals("glibc")) {
            return "libc.so";
        }
        for (NativeProviderSource.Known k : NativeProviderSource.KNOWN) {
            if (k.id().equals(name)) {
                return k.file();
            }
        }
        String path = name.startsWith(NativeProviderSource.PREFIX) ? name.substring(NativeProviderSource.PREFIX.length())
                : name;
        int q = path.indexOf('?');
        return Path.of(q < 0 ? path : path.substring(0, q)).getFileName().toString();
    }

    /** What the child's exit, output and stderr say about the library's answer (no crash log, any library). */
    static MisuseResponse classify(String misuse, int exit, String out, String stderr) {
        return classify(misuse, exit, out, stderr, "", "");
    }

    /**
     * What the child's exit, output, stderr and crash log say about the library {@code library} (its file name). The
     * library's diagnostic is what it wrote on stderr after the misuse began ({@link #BEGINS}): a line the launcher or
     * the JVM wrote before it (such as {@code Picked up JAVA_TOOL_OPTIONS}) is not the library's. A deliberate trap in
     * the library (a {@code ud2} or {@code int3} it executed on purpose) is a detection, not a crash.
     */
    static MisuseResponse classify(String misuse, int exit, String out, String stderr, String crashLog,
            String library) {
        boolean misused = out.contains(MISUSED);
        int f = out.indexOf(FOLLOWED);
        String followed = f < 0 ? null : out.substring(f + FOLLOWED.length()).lines().findFirst().orElse("").strip();
        String said = said(afterMisuse(stderr));
        if (followed == null) { // it died
            String how = death(exit, out + stderr); // the JVM prints its fatal-error header on stdout
            String trap = trap(exit, how, crashLog, library);
            if (!misused) {
                if (trap != null) {
                    return new MisuseResponse(misuse, Response.DETECTED, "trap: " + trap);
                }
                return how.startsWith("SIGABRT")
                        ? new MisuseResponse(misuse, Response.DETECTED, "aborted: " + (said.isEmpty() ? how : said))
                        : new MisuseResponse(misuse, Response.CRASHED, how);
            }
            return new MisuseResponse(misuse, Response.ACCEPTED_SILENTLY, "the free returned; then " + how
                    + " at the next allocations" + (said.isEmpty() ? "" : ": " + said));
        }
        if (!said.isEmpty() && followed.equals("nothing visible")) {
            return new MisuseResponse(misuse, Response.DETECTED, "reported and carried on: " + said);
        }
        return new MisuseResponse(misuse, Response.ACCEPTED_SILENTLY, followed + (said.isEmpty() ? "" : " (it said: "
                + said + ")"));
    }

    /** The part of stderr written after the misuse began; nothing when the marker is missing. */
    static String afterMisuse(String stderr) {
        int at = stderr.indexOf(BEGINS);
        return at < 0 ? "" : stderr.substring(at + BEGINS.length());
    }

    /**
     * The trap a death was, or null: a SIGILL the JVM caught at a {@code ud2} ({@code 0f 0b}) or a SIGTRAP at an
     * {@code int3} ({@code cc}, the pc just past it) in a frame of {@code library}, read from the crash log's
     * instruction bytes; or a process killed by SIGTRAP, which only a trap instruction (or a debugger) raises.
     */
    static String trap(int exit, String how, String crashLog, String library) {
        if (exit == 128 + 5) {
            return "int3 (SIGTRAP: the process was stopped by a trap instruction during the misuse)";
        }
        boolean ill = how.startsWith("SIGILL");
        boolean trapped = how.startsWith("SIGTRAP");
        if (!(ill || trapped) || library.isEmpty() || !how.contains("[" + library)) {
            return null;
        }
        Matcher pc = PC.matcher(crashLog);
        if (!pc.find()) {
            return null;
        }
        long at = Long.parseUnsignedLong(pc.group(1), 16);
        int[] bytes = {byteAt(crashLog, at), byteAt(crashLog, at + 1), byteAt(crashLog, at - 1)};
        if (ill && bytes[0] == 0x0f && bytes[1] == 0x0b) {
            return "ud2 (SIGILL) " + how.substring("SIGILL ".length());
        }
        if (trapped && (bytes[0] == 0xcc || bytes[2] == 0xcc)) {
            return "int3 (SIGTRAP) " + how.substring("SIGTRAP ".length());
        }
        return null;
    }

    private static final Pattern PC = Pattern.compile("Instructions: \\(pc=0x([0-9a-f]+)\\)");
    /** A row of the dump: {@code   0x...:   0f 0b ...}, the pc's row marked {@code =>0x...}. */
    private static final Pattern ROW = Pattern.compile("^(?:\\s*|=>)0x([0-9a-f]+):[ \\t]+((?:[0-9a-f]{2}[ \\t]*)+)$",
            Pattern.MULTILINE);

    /** The byte at {@code address} in the crash log's dump of instructions around the pc, or -1. */
    static int byteAt(String crashLog, long address) {
        Matcher row = ROW.matcher(crashLog);
        while (row.find()) {
            long start = Long.parseUnsignedLong(row.group(1), 16);
            String[] hex = row.group(2).trim().split("\\s+");
            if (address >= start && address < start + hex.length) {
                return Integer.parseInt(hex[(int) (address - start)], 16);
            }
        }
        return -1;
    }

    /** The library's own words: its last line on stderr that is not the JVM's. */
    private static String said(String stderr) {
        return stderr.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")
                && !l.startsWith("[") && !l.startsWith("WARNING")).reduce((a, b) -> b).orElse("");
    }

    private static String death(int exit, String stderr) {
        Matcher m = CAUGHT.matcher(stderr);
        if (m.find()) {
            Matcher frame = FRAME.matcher(stderr);
            return m.group(1) + (frame.find() ? " in " + frame.group(1).strip() : "");
        }
        return switch (exit) {
            case 134 -> "SIGABRT";
            case 139 -> "SIGSEGV";
            case 135 -> "SIGBUS";
            case 132 -> "SIGILL";
            case 133 -> "SIGTRAP";
            default -> "exit status " + exit;
        };
    }

    // ------------------------------------------------------------------ the child

    /** The child: {@code Hardening <name> <misuse>}. Makes the misuse on the raw functions, then looks at what followed. */
    public static void main(String[] args) throws Throwable {
        NativeMalloc.Binding b = binding(args[0]);
        Probe probe = new Probe(b);
        System.err.println(BEGINS); // what the library writes from here on is its answer to the misuse
        System.err.flush();
        probe.misuse(args[1]);
        System.out.println(MISUSED);
        System.out.flush();
        System.out.println(FOLLOWED + probe.followed());
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }

    /** The raw functions of the library {@code name} names. */
    static NativeMalloc.Binding binding(String name) {
        if (name.equals("glibc")) {
            return GlibcProvider.binding();
        }
        return new NativeProviderSource().resolve(name).filter(NativeLibraryProvider.class::isInstance)
                .map(p -> ((NativeLibraryProvider) p).rawBinding())
                .orElseThrow(() -> new IllegalArgumentException("no native library called '" + name + "'"));
    }

    /** Misuse made on raw functions, and the blocks allocated after it. */
    private static final class Probe {
        private final NativeMalloc.Binding b;
        private final List<long[]> live = new ArrayList<>(); // address, size
        private long foreign;
        private boolean large;

        Probe(NativeMalloc.Binding b) {
            this.b = b;
        }

        long malloc(long size) throws Throwable {
            long a = ((MemorySegment) b.malloc().invokeExact(size)).address();
            live.add(new long[] {a, size});
            return a;
        }

        void free(long address, long size) throws Throwable {
            if (b.sized()) {
                b.free().invokeExact(MemorySegment.ofAddress(address), size);
            } else {
                b.free().invokeExact(MemorySegment.ofAddress(address));
            }
        }

        void forget(long address) {
            live.removeIf(l -> l[0] == address);
        }

        void misuse(String kind) throws Throwable {
            switch (kind) {
                case "invalid free" -> free(malloc(256) + 1, 256);
                case "interior free" -> free(malloc(256) + 64, 192);
                case "double free (small)" -> twice(32);
                case "double free (large)" -> twice(4 << 20);
                case "foreign free" -> {
                    foreign = mmap(1 << 16);
                    free(foreign + 16, 64);
                }
                case "wrong-size free" -> {
                    long a = malloc(24);
                    free(a, 4096);
                    forget(a);
                }
                default -> throw new IllegalArgumentException("unknown misuse '" + kind + "'");
            }
        }

        private void twice(long size) throws Throwable {
            long a = malloc(size);
            free(a, size); // back to back: nothing in between may call malloc (the JVM's own calls share glibc's)
            free(a, size);
            forget(a);
            large = size > 256;
        }

        /** Allocates 64 blocks of 32 and of 256 bytes, and says what is wrong with what came back. */
        String followed() throws Throwable {
            Set<Long> seen = new HashSet<>();
            for (long size : large ? new long[] {4 << 20} : new long[] {32, 256}) {
                for (int i = 0; i < (large ? 8 : 64); i++) {
                    long a = ((MemorySegment) b.malloc().invokeExact(size)).address();
                    if (!seen.add(a)) {
                        return "handed out the block at 0x" + Long.toHexString(a) + " twice";
                    }
                    for (long[] l : live) {
                        if (a >= l[0] && a < l[0] + l[1]) {
                            return "handed out 0x" + Long.toHexString(a) + ", inside the live block 0x"
                                    + Long.toHexString(l[0]) + "+" + l[1];
                        }
                    }
                    if (foreign != 0 && a >= foreign && a < foreign + (1 << 16)) {
                        return "handed out 0x" + Long.toHexString(a) + ", inside memory it never owned";
                    }
                }
            }
            return "nothing visible";
        }

        private static long mmap(long bytes) throws Throwable {
            Linker linker = Linker.nativeLinker();
            MethodHandle mmap = linker.downcallHandle(linker.defaultLookup().find("mmap").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
            MemorySegment m = (MemorySegment) mmap.invokeExact(MemorySegment.NULL, bytes, 3, 0x22, -1, 0L);
            return m.address();
        }
    }
}
