package io.vakit.ds;

import io.vakit.spec.engine.MachineFactory;
import io.vakit.spec.engine.StateMachine;
import java.util.Optional;

/** Finds the components' machines by name, so their replay strings replay: binmap:N:W32, fsa, initArena, orderedIndex:N, freeRanges:N,
 * indexList:U8|U16|ADDRESS. */
public final class ComponentMachines implements MachineFactory {
    /** Used by ServiceLoader. */
    public ComponentMachines() {}

    @Override
    public Optional<StateMachine<?, ?>> create(String name) {
        if (name.equals("fsa")) {
            return Optional.of(new FsaMachine());
        }
        if (name.equals("initArena")) {
            return Optional.of(new InitArenaMachine());
        }
        String[] p = name.split(":");
        if (p.length == 2 && p[0].equals("freeRanges")) {
            return Optional.of(new FreeRangesMachine(Long.parseLong(p[1])));
        }
        if (p.length == 2 && p[0].equals("indexList")) {
            return Optional.of(new IndexListMachine(IndexList.Width.valueOf(p[1])));
        }
        if (p.length == 2 && p[0].equals("orderedIndex")) {
            return Optional.of(new OrderedIndexMachine(Long.parseLong(p[1])));
        }
        if (p.length == 3 && p[0].equals("binmap")) {
            return Optional.of(new BinmapMachine(Long.parseLong(p[1]), Binmap.WordSize.valueOf(p[2])));
        }
        return Optional.empty();
    }
}
