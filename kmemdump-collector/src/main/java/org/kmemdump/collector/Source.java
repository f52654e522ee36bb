package org.kmemdump.collector;

import org.kmemdump.format.MinidumpTable.Region;

/** Where a region's bytes can be read: the arena file, or the owner process's memory. */
interface Source {
    /** Bounded chunks: a GiB region streams through memory this size. */
    int CHUNK = 1 << 20;

    /** @return {@code arena} or {@code process}, for reports */
    String label();

    /**
     * Delivers the region's {@code size} bytes in order, stopping at the first chunk that cannot be
     * read; the sink has then received the readable prefix.
     *
     * @return {@code null} when every byte was delivered, else why not
     * @throws Failure only from the sink (the output)
     */
    String copy(Region region, Sink sink) throws Failure;

    /** @return {@code null} if the region's first and last bytes are readable now, else why not */
    String probe(Region region);
}
