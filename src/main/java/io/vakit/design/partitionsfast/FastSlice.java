package io.vakit.design.partitionsfast;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A slice of a partition, owned by one thread's heap at a time: its arenas, each FREE, cut into PARTS or one WHOLE
 * block, and per part the unit there (a {@link Page} or a {@link WholeBlock}; a whole arena fills all its arena's part
 * slots), read by any thread to find a block from its address. Only the owner changes the arena kinds and part maps.
 */
final class FastSlice {
    static final byte FREE = 0;
    static final byte PARTS = 1;
    static final byte WHOLE = 2;

    private static final VarHandle UNIT = MethodHandles.arrayElementVarHandle(Object[].class);

    final int row;
    final int index;
    /** Its offset from the reservation's base. */
    final long offset;
    volatile FastHeap owner;
    /** Per part (arena * 64 + part): read with acquire by any thread, written with release by the owner. */
    private final Object[] units;
    final byte[] arenaKind;
    /** Per arena cut into parts, bit p set while part p is taken. */
    final long[] partsTaken;
    /** Pages, part blocks and whole arenas in it. */
    int unitsInUse;
    /** Its owner's kept empty pages in it (counted in {@link #unitsInUse} too). */
    int keptPages;

    /** True when nothing but its owner's kept empty pages holds it. */
    boolean keptOnly() {
        return unitsInUse > 0 && unitsInUse == keptPages;
    }

    FastSlice(int row, int index, long offset, FastHeap owner, int arenas) {
        this.row = row;
        this.index = index;
        this.offset = offset;
        this.owner = owner;
        this.units = new Object[arenas * FastSpace.PARTS];
        this.arenaKind = new byte[arenas];
        this.partsTaken = new long[arenas];
    }

    int arenaCount() {
        return arenaKind.length;
    }

    /** The number of part slots. */
    int unitCount() {
        return units.length;
    }

    /** The unit at part slot {@code u} (arena * 64 + part): a Page, a WholeBlock, or null. */
    Object unit(int u) {
        return UNIT.getAcquire(units, u);
    }

    void unit(int a, int p, Object u) {
        UNIT.setRelease(units, a * FastSpace.PARTS + p, u);
    }
}
