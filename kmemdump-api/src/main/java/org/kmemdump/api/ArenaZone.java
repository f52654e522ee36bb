package org.kmemdump.api;

import java.lang.foreign.MemorySegment;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A zone whose memory the registry allocated in the persistent dump arena: a shared file mapping
 * that outlives the JVM, so the zone can be collected after {@code kill -9}, a crash or a hang.
 *
 * <p>{@link #memory()} is this owner's own mapping of the zone's pages; the zone is registered at
 * the address the same pages have in the arena's main mapping ({@link Zone#address()}), which is
 * what backends and the collector see. A part of {@link #memory()} registered as a zone of its own
 * ({@link ZoneRegistry#register}) is registered the same way. {@link #close()} unregisters the zone
 * and any such part still registered (with a warning: the freed bytes may be another zone's next),
 * then frees the memory and revokes {@link #memory()}: a later access throws
 * {@link IllegalStateException} instead of scribbling over another zone.
 *
 * @since 1.1
 */
@ProviderType
public interface ArenaZone extends AutoCloseable {
    /** @return the zone as registered */
    Zone zone();

    /** @return the zone's memory, zero-filled at allocation, usable from any thread until {@link #close()} */
    MemorySegment memory();

    /** Unregisters the zone (if still registered) and the parts of it registered as zones, then frees its memory. Idempotent. */
    @Override
    void close();
}
