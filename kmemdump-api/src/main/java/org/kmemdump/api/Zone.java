package org.kmemdump.api;

/**
 * A registered zone, as the registry reports it: a snapshot, not a live view.
 *
 * @param id      the zone's slot, 1 to {@code ZoneIds.MAX_ZONES - 1}
 * @param name    the short name given at registration
 * @param address the native address of the zone's first byte
 * @param size    the zone's length in bytes, never 0
 */
public record Zone(int id, String name, long address, long size) {
    @Override
    public String toString() {
        return "zone " + id + " '" + name + "' 0x" + Long.toHexString(address) + "+" + size;
    }
}
