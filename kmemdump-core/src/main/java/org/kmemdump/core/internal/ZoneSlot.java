package org.kmemdump.core.internal;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

import org.kmemdump.api.Zone;
import org.kmemdump.backend.Region;

/**
 * One occupied slot of the zone table. Immutable: the table replaces a slot to change its state,
 * so snapshots handed out stay true to the moment they were taken.
 *
 * @param memory    the memory as registered: dumps read it, and it is lost once its owner frees it
 * @param canonical the same bytes where every record of the zone points (the backend's region, the
 *                  arena's zone directory, the coreimage, {@link Zone#address()}): for bytes in a
 *                  block of the dump arena, whichever mapping they were registered through, the
 *                  arena's main mapping, the one a reader of the arena file finds; else {@code memory}
 * @param sensitive registered {@link org.kmemdump.api.ZoneOption#SENSITIVE}: never handed to a
 *                  backend, flagged in the zone directory, zeros in dumps unless asked for
 * @param refusal   why the active backend refused this zone on replay, or {@code null} if the
 *                  active backend holds it (or there is no backend, or the zone is sensitive)
 */
record ZoneSlot(int id, String name, MemorySegment memory, MemorySegment canonical, Owner owner, boolean sensitive, String refusal) {

    Region region() {
        return new Region(id, name, canonical);
    }

    Zone zone() {
        return new Zone(id, name, canonical.address(), canonical.byteSize(), sensitive);
    }

    long address() {
        return canonical.address();
    }

    long size() {
        return memory.byteSize();
    }

    /** @return whether {@code other} records the same: the same memory, name and flag, whatever the backend made of it */
    boolean recordsAs(ZoneSlot other) {
        return other != null && memory == other.memory && canonical == other.canonical && sensitive == other.sensitive
                && name.equals(other.name);
    }

    /** @return whether the owner has freed the memory (closed its arena): such a zone is lost */
    boolean lost() {
        return !memory.scope().isAlive();
    }

    /** @return this slot if it has that refusal already, so a replay that changes nothing tells no listener */
    ZoneSlot withRefusal(String reason) {
        return Objects.equals(reason, refusal) ? this : new ZoneSlot(id, name, memory, canonical, owner, sensitive, reason);
    }
}
