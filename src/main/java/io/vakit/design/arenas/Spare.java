package io.vakit.design.arenas;

/**
 * The pages an arena keeps committed after no block touches them any more: one run, the most recently emptied (a
 * slab's page; the pages an object block alone touched), of at most {@value #MAX} bytes. The next emptied run
 * replaces it, and its pages are decommitted then; an allocation that touches it takes its pages as they are (no
 * system call) and the rest of it is decommitted. So an allocation and a free that follow each other cost no
 * system call, as the seed's fast path does not, and an idle arena keeps at most this much. Guarded by its arena's
 * lock.
 */
final class Spare {
    /** The most bytes a spare keeps: larger runs are decommitted at once. */
    static final long MAX = 4L << 20;

    private final Commits commits;
    private ArenaReservation reservation;
    private long from;
    private long to;

    Spare(Commits commits) {
        this.commits = commits;
    }

    /** The addresses {@code [from, to)} of {@code r}, committed and counted, stopped being touched by any block. */
    void keep(ArenaReservation r, long from, long to) {
        drop();
        if (to - from <= MAX) {
            this.reservation = r;
            this.from = from;
            this.to = to;
        } else {
            decommit(r, from, to);
        }
    }

    /** The bytes of {@code [from, to)} of {@code r} the spare holds, changing nothing. */
    long overlap(ArenaReservation r, long from, long to) {
        if (reservation != r || to <= this.from || from >= this.to) {
            return 0;
        }
        return Math.min(to, this.to) - Math.max(from, this.from);
    }

    /**
     * An allocation is about to touch the pages {@code [from, to)} of {@code r}: returns the bytes of them the spare
     * holds (committed and counted already), and decommits the rest of the spare.
     */
    long claim(ArenaReservation r, long from, long to) {
        if (reservation != r || to <= this.from || from >= this.to) {
            return 0;
        }
        long a = Math.max(from, this.from);
        long b = Math.min(to, this.to);
        if (this.from < a) {
            decommit(r, this.from, a);
        }
        if (b < this.to) {
            decommit(r, b, this.to);
        }
        reservation = null;
        return b - a;
    }

    /** {@code r} is being released: its pages go with it. */
    void released(ArenaReservation r) {
        if (reservation == r) {
            commits.add(-(to - from));
            reservation = null;
        }
    }

    private void drop() {
        if (reservation != null) {
            decommit(reservation, from, to);
            reservation = null;
        }
    }

    private void decommit(ArenaReservation r, long from, long to) {
        r.data.decommit(from - r.base(), to - from);
        commits.add(-(to - from));
    }
}
