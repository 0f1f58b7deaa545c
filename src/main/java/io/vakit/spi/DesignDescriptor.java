package io.vakit.spi;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a design promises.
 *
 * @param id the stable id used in reports and on the command line ({@code glibc}, {@code groups}, ...)
 * @param title one line saying what it is
 * @param sizeClasses the size-class table, or {@code null} when the design has none
 * @param alignment the alignment guaranteed with no explicit alignment
 * @param maxAlignment the largest explicit alignment accepted: for every size with
 *     {@link Feature#ALIGNED_ALLOCATION}, otherwise only where it is the natural alignment of the size
 * @param maxBlockSize the largest request accepted; larger ones raise {@link InvalidSizeException}
 * @param features the optional behaviour offered
 * @param deviations known deviations from what its kind of allocator promises, each a sentence the report prints
 *     (the contract still checks what is declared: a deviation is disclosed, never excused)
 * @param follows the id of the seed design whose layout this implementation claims to follow ({@code groups},
 *     {@code sized}, ...), opting into that design's layout properties (with {@link Feature#PLACEMENT}); or
 *     {@code null}
 */
public record DesignDescriptor(String id, String title, SizeClassTable sizeClasses, AlignmentGuarantee alignment,
        long maxAlignment, long maxBlockSize, Set<Feature> features, java.util.List<String> deviations,
        String follows) {

    /** Validates and freezes the fields. */
    public DesignDescriptor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(alignment, "alignment");
        if (Long.bitCount(maxAlignment) != 1) {
            throw new IllegalArgumentException("design " + id + ": maxAlignment " + maxAlignment
                    + " is not a power of two");
        }
        if (maxBlockSize <= 0) {
            throw new IllegalArgumentException("design " + id + ": maxBlockSize must be positive");
        }
        features = java.util.Collections.unmodifiableSet(features.isEmpty() ? EnumSet.noneOf(Feature.class)
                : EnumSet.copyOf(features)); // declaration order, so reports are stable
        deviations = java.util.List.copyOf(deviations);
        if (features.contains(Feature.SIZE_CLASSES) && sizeClasses == null) {
            throw new IllegalArgumentException("design " + id + " declares SIZE_CLASSES without a table");
        }
    }

    /** A design with no known deviations that follows no seed design's layout. */
    public DesignDescriptor(String id, String title, SizeClassTable sizeClasses, AlignmentGuarantee alignment,
            long maxAlignment, long maxBlockSize, Set<Feature> features) {
        this(id, title, sizeClasses, alignment, maxAlignment, maxBlockSize, features, java.util.List.of(), null);
    }

    /** A design with known deviations that follows no seed design's layout. */
    public DesignDescriptor(String id, String title, SizeClassTable sizeClasses, AlignmentGuarantee alignment,
            long maxAlignment, long maxBlockSize, Set<Feature> features, java.util.List<String> deviations) {
        this(id, title, sizeClasses, alignment, maxAlignment, maxBlockSize, features, deviations, null);
    }

    /** This descriptor, claiming to follow the layout of the seed design {@code design}. */
    public DesignDescriptor following(String design) {
        return new DesignDescriptor(id, title, sizeClasses, alignment, maxAlignment, maxBlockSize, features,
                deviations, Objects.requireNonNull(design, "design"));
    }

    /** The seed design whose layout properties this implementation opts into, if any. */
    public Optional<String> followed() {
        return Optional.ofNullable(follows);
    }

    /** True when the design offers {@code feature}. */
    public boolean has(Feature feature) {
        return features.contains(feature);
    }

    /** The size-class table, when the design has one. */
    public Optional<SizeClassTable> table() {
        return Optional.ofNullable(sizeClasses);
    }
}
