package io.vakit.spec.layout;

import java.util.List;
import java.util.Optional;

/** The layout laws the kit knows, by design id. */
public final class LayoutLaws {
    private static final List<LayoutLaw> ALL = List.of(new GroupsLayoutLaw(), new SizedLayoutLaw(),
            new ArenasLayoutLaw(), new ArenasDefaultLayoutLaw(), new ChunksLayoutLaw(), new PartitionsLayoutLaw());

    private LayoutLaws() {}

    /** The law of {@code design}, if the kit has one. */
    public static Optional<LayoutLaw> of(String design) {
        return ALL.stream().filter(l -> l.design().equals(design)).findFirst();
    }

    /** The ids of the designs with a law. */
    public static List<String> designs() {
        return ALL.stream().map(LayoutLaw::design).toList();
    }
}
