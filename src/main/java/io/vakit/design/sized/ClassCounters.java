package io.vakit.design.sized;

/**
 * The seed's counters of one (family, class).
 *
 * @param family the family
 * @param slotSize the class's slot size
 * @param liveSlots slots handed out and not freed
 * @param blocks blocks mapped
 */
public record ClassCounters(int family, int slotSize, long liveSlots, int blocks) {}
