package org.kmemdump.collector;

/** Where a zone's bytes can be read: the arena file, or the owner process's memory. */
interface Source {
    /** Bounded chunks: a GiB zone streams through memory this size. */
    int CHUNK = 1 << 20;

    /** @return {@code arena} or {@code process}, for reports */
    String label();

    /**
     * Delivers the zone's {@code size} bytes in order, stopping at the first chunk that cannot be
     * read; the sink has then received the readable prefix.
     *
     * @return {@link Outcome#OK} when every byte was delivered, else lost and why
     * @throws Failure only from the sink (the output)
     */
    Outcome copy(Zone zone, Sink sink) throws Failure;

    /** @return {@link Outcome#OK} if the zone's first and last bytes are readable now, else lost and why */
    Outcome probe(Zone zone);
}
