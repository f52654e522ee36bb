package org.kmemdump.core.internal;

import java.lang.foreign.MemorySegment;

import org.kmemdump.api.Zone;
import org.kmemdump.backend.Region;

/**
 * One occupied slot of the zone table. Immutable: the table replaces a slot to change its state,
 * so snapshots handed out stay true to the moment they were taken.
 *
 * @param refusal why the active backend refused this zone on replay, or {@code null} if the
 *                active backend holds it (or there is no backend)
 */
record ZoneSlot(int id, String name, MemorySegment memory, Owner owner, String refusal) {

    Region region() {
        return new Region(id, name, memory);
    }

    Zone zone() {
        return new Zone(id, name, memory.address(), memory.byteSize());
    }

    long address() {
        return memory.address();
    }

    long size() {
        return memory.byteSize();
    }

    /** @return whether the owner has freed the memory (closed its arena): such a zone is lost */
    boolean lost() {
        return !memory.scope().isAlive();
    }

    ZoneSlot withRefusal(String reason) {
        return new ZoneSlot(id, name, memory, owner, reason);
    }
}
