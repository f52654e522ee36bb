package org.kmemdump.backend;

import java.lang.foreign.MemorySegment;

/**
 * A zone as handed to a backend: everything the backend needs to record it.
 *
 * @param id     the zone's id, 1 to {@code ZoneIds.MAX_ZONES - 1}, unique among live zones
 * @param name   the zone's name, 1 to {@code ZoneRegistry.MAX_NAME_LENGTH} characters
 * @param memory the zone's memory; read it only while the region is registered with the backend
 */
public record Region(int id, String name, MemorySegment memory) {
    /** @return the native address of the first byte */
    public long address() {
        return memory.address();
    }

    /** @return the length in bytes, never 0 */
    public long size() {
        return memory.byteSize();
    }
}
