package org.kmemdump.core.internal;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * When the arena's pages are written to its file ({@code msync}, {@link java.lang.foreign.MemorySegment#force()}).
 * On tmpfs ({@code /dev/shm}) the page cache is the file and nothing is to gain; on a disk the
 * arena survives a reboot or power loss only as far as it was written.
 *
 * @param periodMillis how often a periodic sync runs, 0 for none
 * @param onZoneChange whether every registration and unregistration syncs before it returns
 */
record ArenaSync(long periodMillis, boolean onZoneChange) {
    static final String NONE_NAME = "none";
    static final String PERIODIC_NAME = "periodic";
    static final String ZONE_CHANGE_NAME = "zone-change";
    static final double DEFAULT_PERIOD = 5;
    /** A day: a longer period promises nothing a clean stop would not. */
    private static final double MAX_PERIOD = 24 * 60 * 60;

    static final ArenaSync NONE = new ArenaSync(0, false);

    /** @return the policy the configuration names; a value out of range is a warning naming it, and no sync */
    static ArenaSync of(String policy, double periodSeconds, Consumer<String> warn) {
        String name = policy == null ? NONE_NAME : policy.strip().toLowerCase(Locale.ROOT);
        switch (name) {
            case NONE_NAME:
                return NONE;
            case ZONE_CHANGE_NAME:
                return new ArenaSync(0, true);
            case PERIODIC_NAME:
                if (periodSeconds >= 0.001 && periodSeconds <= MAX_PERIOD) {
                    return new ArenaSync(Math.round(periodSeconds * 1000), false);
                }
                warn.accept("sync.period " + periodSeconds + " is not between 0.001 and " + (long) MAX_PERIOD
                        + " seconds; the arena is not synced to its file");
                return NONE;
            default:
                warn.accept("sync '" + policy + "' is not " + NONE_NAME + ", " + PERIODIC_NAME + " or " + ZONE_CHANGE_NAME
                        + "; the arena is not synced to its file");
                return NONE;
        }
    }
}
