package io.vakit.nat;

import io.vakit.spi.BlockMemory;
import io.vakit.spi.ImplementationDiedException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One child of a {@link ForkServer}: the library's calls and its blocks' bytes, run there. Each call is one request
 * written into a region of shared memory the child maps too, and one answer read back from it. A call from a thread other than the first one that called runs on the
 * child's second thread (a free from another thread is one there too). When the child dies, or hangs and is killed,
 * every call throws {@link ImplementationDiedException}, naming the signal and the frame its handler saw, with the
 * tail of its stderr.
 */
final class ForkedChild implements MallocCalls, BlockMemory {
    private static final int MALLOC = 1;
    private static final int FREE = 2;
    private static final int CALLOC = 3;
    private static final int REALLOC = 4;
    private static final int ALIGNED = 5;
    private static final int USABLE = 6;
    private static final int LIVE = 7;
    private static final int FILL = 8;
    private static final int CHECK = 9;
    private static final int NONZERO = 10;
    private static final int ZERO = 11;
    private static final int COPY = 12;
    private static final int QUIT = 13;
    private static final int FOREIGN = 14;
    private static final int BATCH = 15;
    private static final int OTHER_THREAD = 0x100;
    /** The most spans one request carries (the child reads at most 65536 words). */
    private static final int SPANS = 16_000;
    private static final Pattern SIGNAL_LINE = Pattern.compile(
            "vakit-child: signal (\\d+) \\((\\w+)\\) at (\\S+), pc (\\S+) in (.*)");
    private static final int TAIL = 1500;

    /** The most words of arguments, or of an answer, one request carries (the child's buffers). */
    private static final int WORDS = 65536;
    private static final long ANSWER = (4L + WORDS) * 8;
    private static final long REGION = (4L + WORDS + 1 + WORDS) * 8;
    private static final java.lang.invoke.VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();

    private final ForkServer server;
    private final String design;
    private final long id;
    private final Path regionFile;
    private final Path err;
    private final MallocCalls shape;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment region;
    private long sequence;
    private int words;
    private int pendingWords;
    private Thread first;
    private ImplementationDiedException died;
    private boolean released;
    private volatile long callStarted;
    private volatile boolean killed;

    ForkedChild(ForkServer server, String design, long id, Path regionFile, Path err, MallocCalls shape)
            throws IOException {
        this.server = server;
        this.design = design;
        this.id = id;
        this.regionFile = regionFile;
        this.err = err;
        this.shape = shape;
        try (FileChannel ch = FileChannel.open(regionFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            region = ch.map(FileChannel.MapMode.READ_WRITE, 0, REGION, arena);
        }
    }

    /** The child's process id, once the server said it; -1 when it could not fork. */
    long pid() {
        return server.pidOf(id);
    }

    /** One request that answers: {@code op} with {@code args}; its first answer word, or 0 when it has none. */
    private synchronized long request(int op, long... args) {
        return send(op, args) > 0 ? answer(0) : 0;
    }

    /**
     * Sends {@code op} with {@code args} after the deferred requests, in one batch, and waits for its answer: the count
     * of its answer words.
     */
    private int send(int op, long[] args) {
        ready();
        if (pendingWords > 0 && pendingWords + 2 + args.length > WORDS) {
            flush();
        }
        words = 0;
        if (pendingWords > 0) { // one batch: the deferred requests, then this one, whose answer is the batch's
            words = pendingWords;
            pendingWords = 0;
            put(flagged(op));
            put(args.length);
            region.set(ValueLayout.JAVA_LONG, 16, BATCH);
        } else {
            region.set(ValueLayout.JAVA_LONG, 16, flagged(op));
        }
        for (long a : args) {
            put(a);
        }
        return exchange();
    }

    /**
     * Defers a request that answers nothing (a free, a pattern written): it runs, in order, before the next request
     * that answers, or at {@link #sync()}. A round trip saved; a child that dies in it is seen at the latest when the
     * kit syncs after the action.
     */
    private synchronized void defer(int op, long... args) {
        ready();
        if (2 + args.length > WORDS / 2) {
            send(op, args);
            return;
        }
        if (pendingWords + 2 + args.length > WORDS) {
            flush();
        }
        putAt(pendingWords++, flagged(op));
        putAt(pendingWords++, args.length);
        for (long a : args) {
            putAt(pendingWords++, a);
        }
    }

    /** Runs the deferred requests, and waits for them. */
    private void flush() {
        if (pendingWords == 0) {
            return;
        }
        region.set(ValueLayout.JAVA_LONG, 16, BATCH);
        words = pendingWords;
        pendingWords = 0;
        exchange();
    }

    /** Waits until every request sent or deferred so far has run; a child that died in one throws here. */
    @Override
    public synchronized void sync() {
        if (died != null) {
            throw died;
        }
        if (!released) {
            flush();
        }
    }

    private void ready() {
        if (died != null) {
            throw died;
        }
        if (released) {
            throw new IllegalStateException("design '" + design + "': the child process was released");
        }
        if (first == null) {
            first = Thread.currentThread();
        }
    }

    private long flagged(int op) {
        return Thread.currentThread() == first ? op : op | OTHER_THREAD;
    }

    private void put(long word) {
        putAt(words++, word);
    }

    private void putAt(int index, long word) {
        region.set(ValueLayout.JAVA_LONG, 32 + 8L * index, word);
    }

    private long answer(int i) {
        return region.get(ValueLayout.JAVA_LONG, ANSWER + 8 + 8L * i);
    }

    /** Publishes the request and waits for its answer: spinning, then yielding, then parking; returns its count. */
    private int exchange() {
        region.set(ValueLayout.JAVA_LONG, 24, words);
        long seq = ++sequence;
        callStarted = System.nanoTime();
        WORD.setRelease(region, 0L, seq);
        try {
            for (int spins = 0; (long) WORD.getAcquire(region, 8L) != seq; spins++) {
                if (spins < 100) {
                    Thread.onSpinWait();
                } else if (spins < 20_000) {
                    Thread.yield();
                } else {
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                    if ((spins & 63) == 0 && server.hasEnded(id)) {
                        throw death();
                    }
                }
            }
            return (int) region.get(ValueLayout.JAVA_LONG, ANSWER);
        } finally {
            callStarted = 0;
        }
    }

    /** Called by the server's watchdog: kills the child when one call has run longer than {@code limit}. */
    void killIfHung(long now, long limit) {
        long started = callStarted;
        if (started != 0 && now - started > limit) {
            killed = true;
            long pid = pid();
            if (pid > 0) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** What the child's death is, once: its wait status, the line its signal handler wrote, its stderr's tail. */
    private ImplementationDiedException death() {
        if (died == null) {
            long pid = pid();
            int status = server.awaitExit(id, 10_000);
            String tail = tail();
            died = new ImplementationDiedException(design, how(pid, status, tail), tail);
            server.dead(this);
            try {
                Files.deleteIfExists(err);
                Files.deleteIfExists(regionFile);
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
        return died;
    }

    private String how(long pid, int status, String tail) {
        if (killed) {
            return "hung for more than " + ForkServer.timeoutSeconds() + " s in a call and was killed (the child, pid "
                    + pid + ")";
        }
        Matcher m = SIGNAL_LINE.matcher(tail);
        String seen = null;
        while (m.find()) {
            seen = "died by " + m.group(2) + " in " + m.group(5).strip() + " (signal " + m.group(1) + ", fault address "
                    + m.group(3) + ", pc " + m.group(4) + "; the child, pid " + pid + ")";
        }
        if (seen != null) {
            return seen;
        }
        if (status == Integer.MIN_VALUE) {
            return "ended without a word (the child, pid " + pid + "; its wait status is unknown)";
        }
        int signal = status & 0x7F;
        if (signal == 0) {
            return "exited with status " + ((status >> 8) & 0xFF) + " during a call (the child, pid " + pid + ")";
        }
        return "died by signal " + signal + " (the child, pid " + pid + ")";
    }

    private String tail() {
        try {
            byte[] all = Files.readAllBytes(err);
            int from = Math.max(0, all.length - TAIL);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public long malloc(long size) {
        return request(MALLOC, size);
    }

    @Override
    public void free(long address, long size) {
        defer(FREE, address, size);
    }

    @Override
    public long calloc(long count, long size) {
        return request(CALLOC, count, size);
    }

    @Override
    public long realloc(long address, long oldSize, long newSize) {
        return request(REALLOC, address, oldSize, newSize);
    }

    @Override
    public long alignedAlloc(long alignment, long size) {
        return request(ALIGNED, alignment, size);
    }

    @Override
    public long usableSize(long address) {
        return request(USABLE, address);
    }

    @Override
    public long liveCount() {
        return request(LIVE);
    }

    @Override
    public boolean sized() {
        return shape.sized();
    }

    @Override
    public boolean hasCalloc() {
        return shape.hasCalloc();
    }

    @Override
    public boolean hasRealloc() {
        return shape.hasRealloc();
    }

    @Override
    public boolean hasAlignedAlloc() {
        return shape.hasAlignedAlloc();
    }

    @Override
    public boolean hasUsableSize() {
        return shape.hasUsableSize();
    }

    @Override
    public boolean hasLiveCount() {
        return shape.hasLiveCount();
    }

    @Override
    public BlockMemory memory() {
        return this;
    }

    /** Ends the child; its exit is not waited for. */
    @Override
    public synchronized void release() {
        if (released) {
            return;
        }
        try {
            sync(); // the deferred frees of close run, and a child that dies in them is a verdict
        } finally {
            quit();
        }
    }

    private void quit() {
        released = true;
        if (died == null) {
            region.set(ValueLayout.JAVA_LONG, 16, QUIT);
            region.set(ValueLayout.JAVA_LONG, 24, 0);
            WORD.setRelease(region, 0L, ++sequence);
        }
        try {
            Files.deleteIfExists(err);
            Files.deleteIfExists(regionFile);
        } catch (IOException ignored) {
            // nothing left to release
        }
        arena.close();
        if (died == null) {
            server.forget(this, id);
        }
    }

    @Override
    public synchronized void fill(List<Span> spans) {
        for (int from = 0; from < spans.size(); from += SPANS) {
            defer(FILL, words(spans.subList(from, Math.min(spans.size(), from + SPANS))));
        }
    }

    @Override
    public synchronized long[] firstMismatches(List<Span> spans) {
        long[] result = new long[spans.size()];
        for (int from = 0; from < spans.size(); from += SPANS) {
            List<Span> part = spans.subList(from, Math.min(spans.size(), from + SPANS));
            send(CHECK, words(part));
            for (int i = 0; i < part.size(); i++) {
                result[from + i] = answer(i);
            }
        }
        return result;
    }

    private static long[] words(List<Span> spans) {
        long[] w = new long[spans.size() * 4];
        int i = 0;
        for (Span s : spans) {
            w[i++] = s.address();
            w[i++] = s.label();
            w[i++] = s.from();
            w[i++] = s.to();
        }
        return w;
    }

    @Override
    public long firstNonZero(MemorySegment block, long from, long to) {
        return request(NONZERO, block.address(), from, to);
    }

    private MemorySegment foreign;

    /** Memory the child maps itself, once: foreign to the library there. */
    @Override
    public synchronized MemorySegment foreign() {
        if (foreign == null) {
            long address = request(FOREIGN, FOREIGN_BYTES);
            if (address == 0) {
                throw new IllegalStateException("design '" + design + "': the child could not map foreign memory");
            }
            foreign = MemorySegment.ofAddress(address).reinterpret(FOREIGN_BYTES);
        }
        return foreign;
    }

    @Override
    public void zero(MemorySegment block) {
        defer(ZERO, block.address(), block.byteSize());
    }

    @Override
    public void copy(MemorySegment from, MemorySegment to, long bytes) {
        defer(COPY, to.address(), from.address(), bytes);
    }
}
