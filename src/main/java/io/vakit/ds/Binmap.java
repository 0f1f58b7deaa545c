package io.vakit.ds;

import io.vakit.pal.Reservation;
import io.vakit.pal.VirtualMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A hierarchical bitmap over off-heap memory: bit {@code i} set means "used". Level 0 holds the bits; each word of
 * level {@code k + 1} has one bit per word of level {@code k}, set exactly when that child word is full. The top
 * level is one word. Padding bits past the capacity (at every level) are pre-set, so they are never found.
 *
 * <p>{@link #set} and {@link #clear} walk bottom-up and stop as soon as a word's full/not-full state does not
 * change; {@link #findFree} descends by count-trailing-zeros of the inverted words: every operation is
 * O(levels). Not thread-safe: guard it with a lock ({@link LockedBinmap}).
 */
public final class Binmap implements AutoCloseable {
    /** The width of a word. */
    public enum WordSize {
        /** 32-bit words, as in the seeds (csuperalloc's {@code u32}). */
        W32(5),
        /** 64-bit words: fewer levels. */
        W64(6);

        final int shift;

        WordSize(int shift) {
            this.shift = shift;
        }

        /** Bits per word. */
        public int bits() {
            return 1 << shift;
        }
    }

    /** The largest capacity: 2^32 bits. */
    public static final long MAX_CAPACITY = 1L << 32;

    private final MemorySegment words;
    private final Reservation owned;
    private final long capacity;
    private final WordSize size;
    private final int shift;
    private final long full;
    private final long[] levelOffset;
    private final long[] levelWords;
    private long used;

    private Binmap(MemorySegment storage, Reservation owned, long capacity, WordSize size) {
        this(storage, owned, capacity, size, true);
    }

    private Binmap(MemorySegment storage, Reservation owned, long capacity, WordSize size, boolean fresh) {
        this.capacity = capacity;
        this.size = size;
        this.shift = size.shift;
        this.full = size == WordSize.W64 ? -1L : 0xFFFF_FFFFL;
        this.levelWords = levelWords(capacity, size);
        this.levelOffset = new long[levelWords.length];
        for (int l = 1; l < levelWords.length; l++) {
            levelOffset[l] = levelOffset[l - 1] + levelWords[l - 1];
        }
        long need = bytesFor(capacity, size);
        if (storage.byteSize() < need) {
            throw new IllegalArgumentException("Binmap(capacity=" + capacity + ", " + size + "): storage of "
                    + storage.byteSize() + " bytes is below the " + need + " needed");
        }
        this.words = storage.asSlice(0, need);
        this.owned = owned;
        if (fresh) {
            reset();
        } else {
            long bits = 0;
            for (long w = 0; w < levelWords[0]; w++) {
                bits += Long.bitCount(read(0, w));
            }
            used = bits - ((levelWords[0] << shift) - capacity);
        }
    }

    /**
     * A binmap over caller-owned {@code storage} of at least {@link #bytesFor} bytes; all bits free.
     *
     * @throws IllegalArgumentException for a capacity outside {@code [1, MAX_CAPACITY]} or too little storage
     */
    public static Binmap over(MemorySegment storage, long capacity, WordSize size) {
        checkCapacity(capacity);
        return new Binmap(storage, null, capacity, size);
    }

    /**
     * The binmap already in {@code storage}, as an earlier {@link #over} with the same capacity and word size left it:
     * a view for a binmap whose words live in someone's metadata (its count is recounted from level 0).
     */
    public static Binmap attach(MemorySegment storage, long capacity, WordSize size) {
        checkCapacity(capacity);
        return new Binmap(storage, null, capacity, size, false);
    }

    /** A binmap in its own committed reservation, released by {@link #close()}; all bits free. */
    public static Binmap allocate(long capacity, WordSize size) {
        checkCapacity(capacity);
        long page = VirtualMemory.pageSize();
        long bytes = (bytesFor(capacity, size) + page - 1) & -page;
        Reservation r = VirtualMemory.system().reserve(bytes);
        r.commit(0, bytes);
        return new Binmap(r.segment(0, bytes), r, capacity, size);
    }

    private static void checkCapacity(long capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("Binmap(capacity=" + capacity + "): capacity must be in [1, 2^32]");
        }
    }

    /** The first address of the binmap's storage (its own reservation's, for {@link #allocate}). */
    public long storageAddress() {
        return words.address();
    }

    /** The bytes of storage a binmap of {@code capacity} bits needs. */
    public static long bytesFor(long capacity, WordSize size) {
        long total = 0;
        for (long n : levelWords(capacity, size)) {
            total += n;
        }
        return total << (size.shift - 3);
    }

    /** The number of levels a binmap of {@code capacity} bits has. */
    public static int levelsFor(long capacity, WordSize size) {
        return levelWords(capacity, size).length;
    }

    private static long[] levelWords(long capacity, WordSize size) {
        int shift = size.shift;
        long[] tmp = new long[8];
        int levels = 0;
        long n = capacity;
        do {
            n = (n + (1L << shift) - 1) >>> shift;
            tmp[levels++] = n;
        } while (n > 1);
        return java.util.Arrays.copyOf(tmp, levels);
    }

    /** Frees every bit. */
    public void reset() {
        words.fill((byte) 0);
        long below = capacity;
        for (int l = 0; l < levelWords.length; l++) {
            long lastWord = levelWords[l] - 1;
            int usedBits = (int) (below - (lastWord << shift));
            if (usedBits < (1 << shift)) {
                write(l, lastWord, full & ~((1L << usedBits) - 1));
            }
            below = levelWords[l];
        }
        used = 0;
    }

    /** The number of bits. */
    public long capacity() {
        return capacity;
    }

    /** The word width. */
    public WordSize wordSize() {
        return size;
    }

    /** The number of levels. */
    public int levels() {
        return levelWords.length;
    }

    /** The number of used (set) bits. */
    public long count() {
        return used;
    }

    /** True when bit {@code i} is used. */
    public boolean get(long i) {
        check("get", i);
        return (read(0, i >>> shift) >>> (i & mask()) & 1) != 0;
    }

    /** Marks bit {@code i} used; returns false when it already was. */
    public boolean set(long i) {
        check("set", i);
        long pos = i;
        for (int l = 0; l < levelWords.length; l++) {
            long w = pos >>> shift;
            long old = read(l, w);
            long bit = 1L << (pos & mask());
            if ((old & bit) != 0) {
                return l > 0; // at level 0: already used
            }
            long now = old | bit;
            write(l, w, now);
            if (l == 0) {
                used++;
            }
            if (now != full) {
                return true;
            }
            pos = w;
        }
        return true;
    }

    /** Marks bit {@code i} free; returns false when it already was. */
    public boolean clear(long i) {
        check("clear", i);
        long pos = i;
        for (int l = 0; l < levelWords.length; l++) {
            long w = pos >>> shift;
            long old = read(l, w);
            long bit = 1L << (pos & mask());
            if ((old & bit) == 0) {
                return l > 0;
            }
            write(l, w, old & ~bit);
            if (l == 0) {
                used--;
            }
            if (old != full) {
                return true;
            }
            pos = w;
        }
        return true;
    }

    /** The lowest free bit, or -1 when every bit is used. */
    public long findFree() {
        int top = levelWords.length - 1;
        if (read(top, 0) == full) {
            return -1;
        }
        long pos = 0;
        for (int l = top; l >= 0; l--) {
            pos = (pos << shift) + Long.numberOfTrailingZeros(~read(l, pos) & full);
        }
        return pos;
    }

    /** Claims the lowest free bit and returns it, or -1 when every bit is used. */
    public long findAndSet() {
        long i = findFree();
        if (i >= 0) {
            set(i);
        }
        return i;
    }

    /**
     * The lowest start {@code s}, a multiple of {@code stride}, of a run of {@code n} free bits {@code [s, s + n)},
     * or -1 when there is none: a run of chunks or blocks. O(candidates * n / word) on top of {@link #nextFree}.
     *
     * @throws IllegalArgumentException unless {@code n >= 1} and {@code stride} is a power of two
     */
    public long findRun(long n, long stride) {
        if (n < 1 || Long.bitCount(stride) != 1) {
            throw new IllegalArgumentException("findRun(" + n + ", stride " + stride + "): n must be at least 1 and the"
                    + " stride a power of two");
        }
        long s = 0;
        while (s + n <= capacity) {
            long f = next(0, s);
            if (f < 0) {
                return -1;
            }
            s = (f + stride - 1) & -stride;
            if (s + n > capacity) {
                return -1;
            }
            long u = firstUsed(s, s + n);
            if (u < 0) {
                return s;
            }
            s = (u + stride) & -stride;
        }
        return -1;
    }

    /** Marks bits {@code [from, from + n)} used. */
    public void setRange(long from, long n) {
        for (long i = from; i < from + n; i++) {
            set(i);
        }
    }

    /** Marks bits {@code [from, from + n)} free. */
    public void clearRange(long from, long n) {
        for (long i = from; i < from + n; i++) {
            clear(i);
        }
    }

    /** The lowest used bit in {@code [from, to)} (at level 0; {@code to <= capacity}), or -1. */
    private long firstUsed(long from, long to) {
        long pos = from;
        while (pos < to) {
            long w = pos >>> shift;
            long usedBits = read(0, w) & (full << (pos & mask())) & full;
            if (usedBits != 0) {
                long at = (w << shift) + Long.numberOfTrailingZeros(usedBits);
                return at < to ? at : -1;
            }
            pos = (w + 1) << shift;
        }
        return -1;
    }

    /** The lowest free bit at or after {@code from}, or -1. */
    public long nextFree(long from) {
        check("nextFree", from);
        return next(0, from);
    }

    /** The highest free bit at or before {@code from}, or -1. */
    public long previousFree(long from) {
        check("previousFree", from);
        return previous(0, from);
    }

    private long next(int level, long pos) {
        if (level == levelWords.length || pos >= (level == 0 ? capacity : levelWords[level - 1])) {
            return -1;
        }
        long w = pos >>> shift;
        long free = ~read(level, w) & full & (full << (pos & mask()));
        if (free == 0) {
            long parent = next(level + 1, w + 1);
            if (parent < 0) {
                return -1;
            }
            w = parent;
            free = ~read(level, w) & full;
        }
        return (w << shift) + Long.numberOfTrailingZeros(free);
    }

    private long previous(int level, long pos) {
        if (level == levelWords.length || pos < 0) {
            return -1;
        }
        long w = pos >>> shift;
        int b = (int) (pos & mask());
        long upTo = b == 63 ? -1L : (1L << (b + 1)) - 1;
        long free = ~read(level, w) & full & upTo;
        if (free == 0) {
            long parent = previous(level + 1, w - 1);
            if (parent < 0) {
                return -1;
            }
            w = parent;
            free = ~read(level, w) & full;
        }
        return (w << shift) + 63 - Long.numberOfLeadingZeros(free);
    }

    /**
     * Checks the structure: every parent bit is set exactly when its child word is full, padding is set, and the
     * count matches. For tests; O(size).
     *
     * @throws IllegalStateException naming the first inconsistency
     */
    public void verify() {
        long bits = 0;
        for (long w = 0; w < levelWords[0]; w++) {
            bits += Long.bitCount(read(0, w));
        }
        long padding = (levelWords[0] << shift) - capacity;
        if (bits - padding != used) {
            throw new IllegalStateException("count " + used + " but " + (bits - padding) + " bits are set");
        }
        for (int l = 1; l < levelWords.length; l++) {
            for (long w = 0; w < levelWords[l - 1]; w++) {
                boolean parent = (read(l, w >>> shift) >>> (w & mask()) & 1) != 0;
                if (parent != (read(l - 1, w) == full)) {
                    throw new IllegalStateException("level " + l + " bit " + w + " is " + parent
                            + " but its child word is " + Long.toHexString(read(l - 1, w)));
                }
            }
        }
    }

    /** Releases the storage when the binmap owns it. */
    @Override
    public void close() {
        if (owned != null && !owned.released()) {
            owned.close();
        }
    }

    private long mask() {
        return (1L << shift) - 1;
    }

    private void check(String op, long i) {
        if (i < 0 || i >= capacity) {
            throw new IndexOutOfBoundsException(op + "(" + i + ") on a binmap of " + capacity + " bits");
        }
    }

    private long read(int level, long w) {
        long index = levelOffset[level] + w;
        return shift == 6 ? words.getAtIndex(ValueLayout.JAVA_LONG, index)
                : Integer.toUnsignedLong(words.getAtIndex(ValueLayout.JAVA_INT, index));
    }

    private void write(int level, long w, long value) {
        long index = levelOffset[level] + w;
        if (shift == 6) {
            words.setAtIndex(ValueLayout.JAVA_LONG, index, value);
        } else {
            words.setAtIndex(ValueLayout.JAVA_INT, index, (int) value);
        }
    }
}
