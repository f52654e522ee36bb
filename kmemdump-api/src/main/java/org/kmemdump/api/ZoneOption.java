package org.kmemdump.api;

/**
 * How a zone is to be treated, given at registration
 * ({@link ZoneRegistry#register(int, String, java.lang.foreign.MemorySegment, ZoneOption...)},
 * {@link ZoneRegistry#allocate(int, String, long, ZoneOption...)}).
 *
 * @since 1.3
 */
public enum ZoneOption {
    /**
     * The zone holds memory that must not leave the process in a dump meant to be shared: keys,
     * tokens, personal data. The registry promises:
     * <ul>
     * <li>every dump path (the shell's {@code kmemdump:dump}, the collector's {@code collect} and
     * {@code --bins}) lists the zone (id, name, size, "sensitive: not collected") but writes zeros
     * instead of its bytes, unless the operator passes an explicit option
     * ({@code --include-sensitive}); never by default;
     * <li>the zone is not handed to the active backend (a backend such as the Qualcomm minidump
     * table would have the firmware dump it unconditionally); it is recorded, flagged, in the
     * arena's zone directory, which is how the collector finds it;
     * <li>where the platform allows ({@code madvise(MADV_DONTDUMP)} on Linux), its pages are kept
     * out of the operating system's core dumps of the JVM while it is registered. Whole pages are
     * marked, so bytes sharing a page with the zone are left out of those core dumps too.
     * </ul>
     * It does not encrypt the memory, nor keep it from anyone who can read the process or the
     * arena file (its owner, root): it keeps it out of the dumps kmemdump writes.
     */
    SENSITIVE
}
