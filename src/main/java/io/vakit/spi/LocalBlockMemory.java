package io.vakit.spi;

import java.lang.foreign.MemorySegment;
import java.util.List;

/** {@link BlockMemory#LOCAL}: blocks in this process, read and written through their segments. */
final class LocalBlockMemory implements BlockMemory {
    private static final int SPAN = 512;
    private static final MemorySegment[] ROTATIONS = new MemorySegment[256];
    private static final MemorySegment ZEROS = MemorySegment.ofArray(new byte[SPAN]);
    private static final MemorySegment FOREIGN = java.lang.foreign.Arena.global().allocate(FOREIGN_BYTES, 4096);

    static {
        for (int k = 0; k < 256; k++) {
            byte[] b = new byte[SPAN];
            for (int j = 0; j < SPAN; j++) {
                int v = (k + 31 * j) & 0xFF;
                b[j] = (byte) (v == 0 ? 0xA5 : v);
            }
            ROTATIONS[k] = MemorySegment.ofArray(b);
        }
    }

    /** The 512-byte rotation that holds the pattern of {@code label} around {@code offset}. */
    private static MemorySegment rotation(int label, long offset) {
        return ROTATIONS[(int) ((label * 0x9E37L + (offset >>> 9)) & 0xFF)];
    }

    private static MemorySegment bytes(long address, long to) {
        return MemorySegment.ofAddress(address).reinterpret(to);
    }

    @Override
    public void fill(List<Span> spans) {
        for (Span s : spans) {
            MemorySegment block = bytes(s.address(), s.to());
            for (long at = s.from(); at < s.to(); ) {
                long end = Math.min(s.to(), (at | (SPAN - 1)) + 1);
                MemorySegment.copy(rotation(s.label(), at), at & (SPAN - 1), block, at, end - at);
                at = end;
            }
        }
    }

    @Override
    public long[] firstMismatches(List<Span> spans) {
        long[] out = new long[spans.size()];
        for (int i = 0; i < out.length; i++) {
            Span s = spans.get(i);
            MemorySegment block = bytes(s.address(), s.to());
            out[i] = -1;
            for (long at = s.from(); at < s.to(); ) {
                long end = Math.min(s.to(), (at | (SPAN - 1)) + 1);
                long m = block.asSlice(at, end - at).mismatch(rotation(s.label(), at).asSlice(at & (SPAN - 1), end - at));
                if (m >= 0) {
                    out[i] = at + m;
                    break;
                }
                at = end;
            }
        }
        return out;
    }

    @Override
    public long firstNonZero(MemorySegment block, long from, long to) {
        MemorySegment b = bytes(block.address(), to);
        for (long at = from; at < to; at += SPAN) {
            long n = Math.min(SPAN, to - at);
            long m = b.asSlice(at, n).mismatch(ZEROS.asSlice(0, n));
            if (m >= 0) {
                return at + m;
            }
        }
        return -1;
    }

    @Override
    public MemorySegment foreign() {
        return FOREIGN;
    }

    @Override
    public void zero(MemorySegment block) {
        block.fill((byte) 0);
    }

    @Override
    public void copy(MemorySegment from, MemorySegment to, long bytes) {
        MemorySegment.copy(from, 0, to, 0, bytes);
    }
}
