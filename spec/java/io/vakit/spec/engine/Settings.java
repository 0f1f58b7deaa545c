package io.vakit.spec.engine;

/**
 * How hard the engine tries: {@code tries} random chains of at most {@code length} actions, from {@code seed}.
 * Read from the system properties {@code vakit.tries}, {@code vakit.length} and {@code vakit.seed}.
 *
 * @param seed the seed of the first chain; chain {@code i} uses a seed derived from it and {@code i}
 * @param tries how many chains
 * @param length the most actions in one chain
 */
public record Settings(long seed, int tries, int length) {
    /** Default tries when {@code vakit.tries} is not set. */
    public static final int DEFAULT_TRIES = 60;
    /** Default length when {@code vakit.length} is not set. */
    public static final int DEFAULT_LENGTH = 60;
    /**
     * The seed every run uses unless {@code vakit.seed} says otherwise, so two builds run the same chains and a
     * verdict never depends on luck. {@code -Dvakit.seed=random} explores with a seed from the clock.
     */
    public static final long DEFAULT_SEED = 20261122L;

    /** Checks the values. */
    public Settings {
        if (tries < 1 || length < 1) {
            throw new IllegalArgumentException("tries (" + tries + ") and length (" + length + ") must be >= 1");
        }
    }

    /**
     * The settings the system properties give. {@code vakit.seed} is a number, {@code random} (a seed from the
     * clock, printed with every report), or unset or empty ({@link #DEFAULT_SEED}).
     *
     * @throws IllegalArgumentException when {@code vakit.seed} is neither a number nor {@code random}
     */
    public static Settings fromSystemProperties() {
        return new Settings(seedOf(System.getProperty("vakit.seed", "")),
                Integer.getInteger("vakit.tries", DEFAULT_TRIES), Integer.getInteger("vakit.length", DEFAULT_LENGTH));
    }

    /** The seed a {@code vakit.seed} value names. */
    static long seedOf(String property) {
        String p = property.strip();
        if (p.isEmpty()) {
            return DEFAULT_SEED;
        }
        if (p.equals("random")) {
            return System.nanoTime() ^ System.currentTimeMillis();
        }
        try {
            return Long.parseLong(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("vakit.seed=" + property + ": expected a number or 'random'", e);
        }
    }

    /** The same settings with another number of tries. */
    public Settings withTries(int newTries) {
        return new Settings(seed, newTries, length);
    }

    /** The same settings with another chain length. */
    public Settings withLength(int newLength) {
        return new Settings(seed, tries, newLength);
    }

    /** The seed of chain {@code i}. */
    long seedOf(int i) {
        long z = seed + 0x9E3779B97F4A7C15L * (i + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
