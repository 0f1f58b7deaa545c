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

    /** Checks the values. */
    public Settings {
        if (tries < 1 || length < 1) {
            throw new IllegalArgumentException("tries (" + tries + ") and length (" + length + ") must be >= 1");
        }
    }

    /** The settings the system properties give; with no {@code vakit.seed}, a seed from the clock. */
    public static Settings fromSystemProperties() {
        long seed = Long.getLong("vakit.seed", System.nanoTime() ^ System.currentTimeMillis());
        return new Settings(seed, Integer.getInteger("vakit.tries", DEFAULT_TRIES),
                Integer.getInteger("vakit.length", DEFAULT_LENGTH));
    }

    /** The same settings with another number of tries. */
    public Settings withTries(int newTries) {
        return new Settings(seed, newTries, length);
    }

    /** The seed of chain {@code i}. */
    long seedOf(int i) {
        long z = seed + 0x9E3779B97F4A7C15L * (i + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
