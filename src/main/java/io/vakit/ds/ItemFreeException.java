package io.vakit.ds;

/** A free that the {@link Fsa} refuses; nothing changed. {@link #kind()} says why. */
public final class ItemFreeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** Why the free was refused. */
    public enum Kind {
        /** The address is outside the FSA's blocks. */
        FOREIGN,
        /** The address is inside an item, not at its start. */
        UNALIGNED,
        /** The item is not live: freed already (its block may even have been released), or never handed out. */
        DOUBLE
    }

    private final Kind kind;
    private final long address;

    /** A refusal of {@code free(address)}. */
    public ItemFreeException(Kind kind, long address, String detail) {
        super("free(address=0x" + Long.toHexString(address) + ") in FSA: " + kind.name().toLowerCase(java.util.Locale.ROOT)
                + " free: " + detail);
        this.kind = kind;
        this.address = address;
    }

    /** Why the free was refused. */
    public Kind kind() {
        return kind;
    }

    /** The address given to free. */
    public long address() {
        return address;
    }
}
