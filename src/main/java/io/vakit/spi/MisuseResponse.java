package io.vakit.spi;

/**
 * How an implementation itself answers one kind of misuse, measured with nothing in front of it (no guard), each in
 * a process of its own: the hardening a user of a hardened allocator looks for.
 *
 * @param misuse the kind of misuse: {@code invalid free}, {@code double free (small)}, ...
 * @param response what the implementation did
 * @param detail its diagnostic, the signal, or what followed a silent acceptance
 */
public record MisuseResponse(String misuse, Response response, String detail) {
    /** What an implementation did with a misuse. */
    public enum Response {
        /** It refused: aborted with a diagnostic, or reported it and carried on without acting on it. */
        DETECTED,
        /** It died by another signal, in its own code. */
        CRASHED,
        /** It went on as if nothing were wrong; the detail says what followed. */
        ACCEPTED_SILENTLY,
        /** The misuse does not apply (a wrong-size free to a library without sized free). */
        NOT_APPLICABLE
    }
}
