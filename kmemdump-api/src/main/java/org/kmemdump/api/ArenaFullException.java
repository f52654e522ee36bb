package org.kmemdump.api;

/**
 * The persistent dump arena has no free block large enough for the requested zone. Free zones,
 * or give the runtime a larger arena (configuration {@code arena.size}).
 *
 * @since 1.1
 */
public final class ArenaFullException extends ZoneRegistrationException {
    private static final long serialVersionUID = 1L;

    public ArenaFullException(String message) {
        super(message);
    }
}
