package io.vakit.ds.lincheck;

/** The sequential specification of {@link FsaLincheckTest}: a count of held blocks. */
public final class HeldBlocksModel {
    private int held;

    /** An allocation always succeeds and adds a held block. */
    public String alloc(int size) {
        held++;
        return "ok";
    }

    /** A free releases a held block intact, or finds none. */
    public String free() {
        if (held == 0) {
            return "none";
        }
        held--;
        return "ok";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeldBlocksModel m && m.held == held;
    }

    @Override
    public int hashCode() {
        return held;
    }
}
