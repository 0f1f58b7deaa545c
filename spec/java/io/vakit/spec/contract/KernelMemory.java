package io.vakit.spec.contract;

import io.vakit.spi.AddressRange;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What the kernel says about this process's memory, asked directly (the kit trusts no allocator's own counters
 * here): which mappings have resident pages ({@code /proc/self/smaps}), how many pages of a range are resident and
 * whether a page is mapped at all ({@code mincore}, through FFM). Linux only. Public for the concurrency checks
 * outside this package, which ask whether an allocator's memory is still mapped after it closed.
 */
public final class KernelMemory {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MINCORE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("mincore").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
    private static final MethodHandle SYSCONF = LINKER.downcallHandle(
            LINKER.defaultLookup().find("sysconf").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    /** The page size. */
    static final long PAGE = pageSize();
    /** mincore is asked about at most this many pages at once. */
    private static final long CHUNK_PAGES = 16_384;
    private static final Path SMAPS = Path.of("/proc/self/smaps");

    /** A mapping of this process with resident pages: {@code [start, end)}, and its resident bytes. */
    record Mapping(long start, long end, long rss) {}

    private KernelMemory() {}

    private static long pageSize() {
        try {
            return (long) SYSCONF.invokeExact(30); // _SC_PAGESIZE
        } catch (Throwable t) {
            throw new IllegalStateException("sysconf(_SC_PAGESIZE) failed", t);
        }
    }

    /** True where the kernel can be asked (Linux, with {@code /proc/self/smaps}). */
    public static boolean available() {
        return Files.isReadable(SMAPS);
    }

    /** This process's mappings that have resident pages, from {@code /proc/self/smaps}. */
    static List<Mapping> touchedMappings() {
        List<Mapping> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(SMAPS)) {
            long start = -1;
            long end = -1;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int dash = line.indexOf('-');
                int space = line.indexOf(' ');
                if (dash > 0 && space > dash && isHex(line, 0, dash)) {
                    start = Long.parseUnsignedLong(line, 0, dash, 16);
                    end = Long.parseUnsignedLong(line, dash + 1, space, 16);
                } else if (line.startsWith("Rss:") && start >= 0) {
                    long kb = Long.parseLong(line.substring(4, line.length() - 2).strip());
                    if (kb > 0) {
                        out.add(new Mapping(start, end, kb * 1024));
                    }
                    start = -1;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + SMAPS, e);
        }
        return out;
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return to > from;
    }

    /**
     * The bytes resident in {@code ranges}: a touched mapping wholly inside a range counts its resident size; one
     * that only overlaps a range (the kernel merged it with a neighbour's) is asked page by page. {@code smaps} is
     * not read atomically: when the JVM maps memory next to a range while it is read (a growing heap), the kernel can
     * merge the two mappings halfway and list one range twice. Overlapping entries are therefore taken as their
     * union, asked page by page, so that nothing is counted twice.
     */
    static long resident(List<AddressRange> ranges) {
        long direct = residentDirectly(ranges);
        if (direct >= 0) {
            return direct;
        }
        List<AddressRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(AddressRange::start));
        long total = 0;
        for (Mapping m : disjoint(touchedMappings())) {
            for (AddressRange r : sorted) {
                if (r.start() >= m.end()) {
                    break;
                }
                long from = Math.max(r.start(), m.start());
                long to = Math.min(r.end(), m.end());
                if (from >= to) {
                    continue;
                }
                total += from == m.start() && to == m.end() && m.rss() >= 0 ? m.rss()
                        : residentPages(from, to) * PAGE;
            }
        }
        return total;
    }

    /** Ranges of up to this many pages in all are asked page by page, without reading {@code smaps}. */
    static final long DIRECT_PAGES = 1 << 16;

    /**
     * The bytes resident in {@code ranges} asked of {@code mincore} alone, when they are small ({@value #DIRECT_PAGES}
     * pages in all) and wholly mapped; -1 otherwise. Reading {@code smaps} costs what every mapping of the process
     * costs the kernel to walk, which grows with what the process holds: a planted allocator that leaks mappings at
     * close made each chain slower than the last.
     */
    static long residentDirectly(List<AddressRange> ranges) {
        long pages = 0;
        for (AddressRange r : ranges) {
            pages += (r.end() - (r.start() & -PAGE) + PAGE - 1) / PAGE;
            if (pages > DIRECT_PAGES) {
                return -1;
            }
        }
        List<AddressRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(AddressRange::start));
        long total = 0;
        long counted = Long.MIN_VALUE; // pages below this were counted already (ranges may share a page)
        for (AddressRange r : sorted) {
            long from = Math.max(r.start() & -PAGE, counted);
            long to = (r.end() + PAGE - 1) & -PAGE;
            if (from >= to) {
                continue;
            }
            long n = residentPagesOrHole(from, to);
            if (n < 0) {
                return -1;
            }
            total += n * PAGE;
            counted = to;
        }
        return total;
    }

    /** The resident pages of {@code [from, to)} (page-aligned), or -1 when a page of it is not mapped. */
    private static long residentPagesOrHole(long from, long to) {
        long pages = (to - from) / PAGE;
        long count = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vec = arena.allocate(Math.min(pages, CHUNK_PAGES));
            for (long done = 0; done < pages; done += CHUNK_PAGES) {
                long n = Math.min(CHUNK_PAGES, pages - done);
                if ((int) MINCORE.invokeExact(MemorySegment.ofAddress(from + done * PAGE), n * PAGE, vec) != 0) {
                    return -1;
                }
                for (long i = 0; i < n; i++) {
                    count += vec.get(ValueLayout.JAVA_BYTE, i) & 1;
                }
            }
        } catch (Throwable t) {
            throw new IllegalStateException("mincore failed", t);
        }
        return count;
    }

    /** {@code mappings} as disjoint intervals, in address order; a union of overlapping ones has no known rss (-1). */
    static List<Mapping> disjoint(List<Mapping> mappings) {
        List<Mapping> sorted = new ArrayList<>(mappings);
        sorted.sort(Comparator.comparingLong(Mapping::start));
        List<Mapping> out = new ArrayList<>();
        for (Mapping m : sorted) {
            Mapping last = out.isEmpty() ? null : out.getLast();
            if (last != null && m.start() < last.end()) {
                out.set(out.size() - 1, new Mapping(last.start(), Math.max(last.end(), m.end()), -1));
            } else {
                out.add(m);
            }
        }
        return out;
    }

    /** The resident pages of {@code [from, to)}, which must be mapped. */
    static long residentPages(long from, long to) {
        long start = from & -PAGE;
        long pages = (to - start + PAGE - 1) / PAGE;
        long count = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vec = arena.allocate(Math.min(pages, CHUNK_PAGES));
            for (long done = 0; done < pages; done += CHUNK_PAGES) {
                long n = Math.min(CHUNK_PAGES, pages - done);
                int rc = (int) MINCORE.invokeExact(MemorySegment.ofAddress(start + done * PAGE), n * PAGE, vec);
                if (rc != 0) {
                    return count; // a page of the range is not mapped: count what was
                }
                for (long i = 0; i < n; i++) {
                    count += vec.get(ValueLayout.JAVA_BYTE, i) & 1;
                }
            }
        } catch (Throwable t) {
            throw new IllegalStateException("mincore failed", t);
        }
        return count;
    }

    /**
     * True when every page of {@code [start, end)} is mapped in this process: a range that was unmapped and then
     * partly taken by another mapping (the JVM's) is not, unless that mapping covers all of it.
     */
    static boolean mappedThroughout(long start, long end) {
        long from = start & -PAGE;
        long to = (end + PAGE - 1) & -PAGE;
        return to > from && residentPagesOrHole(from, to) >= 0;
    }

    /** True when the page holding {@code address} is mapped in this process. */
    public static boolean mapped(long address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment vec = arena.allocate(1);
            return (int) MINCORE.invokeExact(MemorySegment.ofAddress(address & -PAGE), PAGE, vec) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("mincore failed", t);
        }
    }
}
