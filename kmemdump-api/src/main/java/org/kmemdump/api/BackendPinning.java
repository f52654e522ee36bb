package org.kmemdump.api;

import java.io.IOException;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Which backend the registry keeps active, as an operator chooses it: {@code kmemdump:pin} and
 * {@code kmemdump:unpin} in the shell and the Web Console page both go through this service, so a pin
 * is set one way only (the {@code pinned.backend} setting in the core's configuration).
 *
 * <p>A pin lasts until it is changed or the runtime stops; it is not written to the operator's files.
 */
@ProviderType
public interface BackendPinning {
    /** @return the pinned backend's name, or {@code ""} when the highest {@code service.ranking} chooses */
    String pinned();

    /** @return the active backend's name, or {@code ""} when no backend is active */
    String active();

    /**
     * Keeps the named backend active whatever the rankings, and returns once the registry applied it.
     *
     * @param name a tracked backend's name
     * @throws IllegalArgumentException naming why, when the name is null, no tracked backend has it or
     *         {@code backend.allow} leaves it out; nothing is changed
     * @throws IllegalStateException when the registry did not apply it in time
     * @throws IOException when the configuration cannot be written
     */
    void pin(String name) throws IOException, InterruptedException;

    /**
     * Lets the highest {@code service.ranking} choose the active backend again, and returns once the
     * registry applied it.
     *
     * @throws IllegalStateException when the registry did not apply it in time
     * @throws IOException when the configuration cannot be written
     */
    void unpin() throws IOException, InterruptedException;
}
