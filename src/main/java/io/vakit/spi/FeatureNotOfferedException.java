package io.vakit.spi;

/** A call to an optional operation the design does not declare. */
public final class FeatureNotOfferedException extends UnsupportedOperationException implements AllocatorFault {
    private static final long serialVersionUID = 1L;
    private final String design;
    private final String operation;
    private final Feature feature;

    /** Creates the fault for {@code operation}, which needs {@code feature}. */
    public FeatureNotOfferedException(String design, String operation, Feature feature) {
        super(AllocatorFault.message(design, operation, "feature " + feature + " is not offered"));
        this.design = design;
        this.operation = operation;
        this.feature = feature;
    }

    /** The feature the operation needs. */
    public Feature feature() {
        return feature;
    }

    @Override
    public String design() {
        return design;
    }

    @Override
    public String operation() {
        return operation;
    }
}
