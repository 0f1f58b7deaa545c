package io.vakit.spec.sizeclasses;

import io.vakit.spi.AlignmentGuarantee;
import io.vakit.spi.SizeClassTable;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The laws every size-class table obeys (after Scudo's validateMap and snmalloc's size-class test):
 * <ol>
 * <li>{@code size(classOf(s)) >= s};</li>
 * <li>the class is the smallest that fits: {@code classOf(s) == 0 || size(classOf(s) - 1) < s};</li>
 * <li>class sizes strictly increase;</li>
 * <li>{@code classOf(size(c)) == c};</li>
 * <li>the alignment guarantee holds: for every size of a class, the guaranteed alignment divides the class
 * size's largest power-of-two factor (slots of that size, from an aligned base, stay aligned);</li>
 * <li>sizes above the last class map to -1.</li>
 * </ol>
 */
public final class SizeClassLaws {
    private SizeClassLaws() {}

    /** Checks every law for every size from 1 to {@code exhaustiveTo}; returns the breaches (at most 20). */
    public static List<String> checkExhaustively(SizeClassTable t, AlignmentGuarantee alignment, long exhaustiveTo) {
        List<String> out = new ArrayList<>();
        checkClasses(t, alignment, out);
        long top = Math.min(exhaustiveTo, t.size(t.count() - 1) + 1);
        for (long s = 1; s <= top && out.size() < 20; s++) {
            checkSize(t, alignment, s, out);
        }
        return out;
    }

    /** Checks the laws for {@code samples} random sizes up to {@code max}, and at every class edge. */
    public static List<String> checkByProperty(SizeClassTable t, AlignmentGuarantee alignment, long max,
            int samples, RandomGenerator random) {
        List<String> out = new ArrayList<>();
        checkClasses(t, alignment, out);
        for (int c = 0; c < t.count(); c++) {
            for (long d = -1; d <= 1; d++) {
                long s = t.size(c) + d;
                if (s >= 1) {
                    checkSize(t, alignment, s, out);
                }
            }
        }
        for (int i = 0; i < samples && out.size() < 20; i++) {
            checkSize(t, alignment, 1 + random.nextLong(max), out);
        }
        return out;
    }

    private static void checkClasses(SizeClassTable t, AlignmentGuarantee alignment, List<String> out) {
        for (int c = 0; c < t.count(); c++) {
            if (c > 0 && t.size(c) <= t.size(c - 1)) {
                out.add("sizes do not strictly increase: size(" + (c - 1) + ")=" + t.size(c - 1) + ", size(" + c
                        + ")=" + t.size(c));
            }
            if (t.classOf(t.size(c)) != c) {
                out.add("classOf(size(" + c + ")=" + t.size(c) + ") = " + t.classOf(t.size(c)));
            }
        }
    }

    private static void checkSize(SizeClassTable t, AlignmentGuarantee alignment, long s, List<String> out) {
        int c = t.classOf(s);
        long last = t.size(t.count() - 1);
        if (s > last) {
            if (c != -1) {
                out.add("classOf(" + s + ") = " + c + " above the last class " + last);
            }
            return;
        }
        if (c < 0 || c >= t.count()) {
            out.add("classOf(" + s + ") = " + c + ", not a class");
            return;
        }
        if (t.size(c) < s) {
            out.add("size(classOf(" + s + ")) = " + t.size(c) + " < " + s);
        }
        if (c > 0 && t.size(c - 1) >= s) {
            out.add("classOf(" + s + ") = " + c + " but class " + (c - 1) + " (" + t.size(c - 1) + ") fits");
        }
        long a = alignment.alignmentFor(s);
        long slotAlignment = Long.lowestOneBit(t.size(c));
        if (Long.bitCount(a) != 1 || slotAlignment % a != 0) {
            out.add("alignment " + a + " guaranteed for " + s + " bytes, but slots of class " + t.size(c)
                    + " are only aligned to " + slotAlignment);
        }
    }

    /** The worst internal waste of class {@code c}: the share of the class size unused by its smallest request. */
    public static double worstWaste(SizeClassTable t, int c) {
        long smallest = c == 0 ? 1 : t.size(c - 1) + 1;
        return (double) (t.size(c) - smallest) / t.size(c);
    }
}
