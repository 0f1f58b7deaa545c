package io.vakit.nat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The fork server's executable, built from its C source ({@code forkserver.c}, shipped in the kit) with the system C
 * compiler the first time it is needed, and kept under {@code java.io.tmpdir} by the source's hash. {@code
 * -Dvakit.forkserver=false} turns it off; {@code -Dvakit.cc} names the compiler (default {@code cc}). Where it cannot
 * be built, the kit runs native chains in worker JVMs, and says why ({@link #unavailable()}).
 */
final class ForkServerBinary {
    /** The source's resource name. */
    static final String SOURCE = "forkserver.c";

    private static volatile Object built; // a Path, or the reason (a String) it could not be built

    private ForkServerBinary() {}

    /** The executable, or null when it cannot be used ({@link #unavailable()} says why). */
    static Path path() {
        Object b = build();
        return b instanceof Path p ? p : null;
    }

    /** Why the fork server cannot be used here, or null when it can. */
    static String unavailable() {
        Object b = build();
        return b instanceof String why ? why : null;
    }

    private static Object build() {
        Object b = built;
        if (b != null) {
            return b;
        }
        synchronized (ForkServerBinary.class) {
            if (built == null) {
                built = compile();
            }
            return built;
        }
    }

    private static Object compile() {
        return compile(System.getProperty("vakit.cc", "cc").strip(), Path.of(System.getProperty("java.io.tmpdir"),
                "vakit-forkserver-" + System.getProperty("user.name", "user")));
    }

    /**
     * Builds the executable with {@code cc} under {@code root} (by the source's hash; an executable already there is
     * reused): its path, or the reason (a String) it could not be built.
     */
    static Object compile(String cc, Path root) {
        try (InputStream in = ForkServerBinary.class.getResourceAsStream(SOURCE)) {
            if (in == null) {
                return "the fork server's source (" + SOURCE + ") is not on the class path";
            }
            byte[] source = in.readAllBytes();
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source), 0, 8);
            Path dir = root.resolve(hash);
            Path exe = dir.resolve("vakit-forkserver");
            if (Files.isExecutable(exe)) {
                return exe;
            }
            Files.createDirectories(dir);
            Path src = Files.createTempFile(dir, "forkserver", ".c");
            Path out = Files.createTempFile(dir, "vakit-forkserver", ".tmp");
            Files.write(src, source);
            List<String> cmd = List.of(cc, "-O2", "-o", out.toString(), src.toString(), "-ldl", "-lpthread");
            Process p;
            try {
                p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            } catch (IOException e) {
                return "no C compiler (" + cc + ": " + e.getMessage() + ")";
            }
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int exit = p.waitFor();
            Files.deleteIfExists(src);
            if (exit != 0) {
                Files.deleteIfExists(out);
                return cc + " could not build the fork server (exit " + exit + "): " + said;
            }
            Files.move(out, exe, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return exe;
        } catch (IOException | NoSuchAlgorithmException e) {
            return "building the fork server failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while building the fork server";
        }
    }
}
