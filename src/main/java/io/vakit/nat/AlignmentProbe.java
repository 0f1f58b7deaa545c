package io.vakit.nat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Measures, in a child JVM of its own, the largest alignment a native library's {@code aligned_alloc} serves: the
 * largest power of two, from twice the natural alignment up to {@value #UP_TO} bytes, up to which every
 * {@code aligned_alloc(a, a)} succeeds. In a child, because calling a library moves its state in the process that
 * calls it (mimalloc maps its aligned segments at hinted addresses around 2 TiB, inside the range seed 004's
 * partitions reserve at a fixed address), and a library that crashes there must not take the kit with it.
 */
public final class AlignmentProbe {
    /** The largest alignment tried: 1 MiB. */
    public static final long UP_TO = 1L << 20;
    private static final Map<String, Long> MEASURED = new ConcurrentHashMap<>();

    private AlignmentProbe() {}

    /**
     * The largest alignment served by {@code library} bound with {@code symbols}, above {@code natural}; {@code natural}
     * when the first is refused or the probe dies. Measured once per library and symbols in this process.
     */
    public static long measure(Path library, String symbols, long natural) {
        return MEASURED.computeIfAbsent(library.toAbsolutePath() + "|" + symbols + "|" + natural, k -> {
            try {
                Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-Xshare:auto", "-cp", System.getProperty("java.class.path"), AlignmentProbe.class.getName(),
                        library.toAbsolutePath().toString(), symbols, Long.toString(natural)))
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
                    p.destroyForcibly();
                    return natural;
                }
                return Long.parseLong(out.lines().reduce((a, b) -> b).orElseThrow());
            } catch (IOException e) {
                throw new UncheckedIOException("measuring the aligned allocation of " + library, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return natural;
            }
        });
    }

    /** The child: {@code AlignmentProbe <library> <symbols> <natural>}; prints the largest alignment served. */
    public static void main(String[] args) throws Throwable {
        Path library = Path.of(args[0]);
        long natural = Long.parseLong(args[2]);
        SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
        NativeMalloc.Binding b = NativeMalloc.Binding.of("probe", lookup, MallocSymbols.parse(args[1]), library);
        long served = natural;
        if (b.alignedAlloc() != null) {
            for (long a = 2 * natural; a <= UP_TO; a <<= 1) {
                MemorySegment p = (MemorySegment) b.alignedAlloc().invokeExact(a, a);
                if (p.address() == 0) {
                    break;
                }
                if (b.sized()) {
                    b.free().invokeExact(p, a);
                } else {
                    b.free().invokeExact(p);
                }
                served = a;
            }
        }
        System.out.println(served);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
