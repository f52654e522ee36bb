package org.kmemdump.api;

/**
 * A registered zone, as the registry reports it: a snapshot, not a live view.
 *
 * @param id        the zone's slot, 1 to {@code ZoneIds.MAX_ZONES - 1}
 * @param name      the short name given at registration
 * @param address   the native address of the zone's first byte
 * @param size      the zone's length in bytes, never 0
 * @param sensitive whether it was registered {@link ZoneOption#SENSITIVE} (since 1.3)
 */
public record Zone(int id, String name, long address, long size, boolean sensitive) {
    /** A zone that is not sensitive. */
    public Zone(int id, String name, long address, long size) {
        this(id, name, address, size, false);
    }

    @Override
    public String toString() {
        return "zone " + id + " '" + name + "' 0x" + Long.toHexString(address) + "+" + size + (sensitive ? " sensitive" : "");
    }
}
