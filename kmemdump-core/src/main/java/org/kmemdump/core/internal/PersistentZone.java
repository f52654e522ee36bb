package org.kmemdump.core.internal;

import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;

import org.kmemdump.api.ArenaZone;
import org.kmemdump.api.Zone;

/**
 * An {@link ArenaZone}: closing unregisters first (the zone and any part of it registered on its
 * own), then frees the block and revokes the owner's view.
 */
final class PersistentZone implements ArenaZone {
    private final ZoneTable table;
    private final DumpArena arena;
    private final ZoneSlot slot;
    private final DumpArena.Block block;
    private final Consumer<PersistentZone> onClose;
    private boolean closed;

    PersistentZone(ZoneTable table, DumpArena arena, ZoneSlot slot, DumpArena.Block block, Consumer<PersistentZone> onClose) {
        this.table = table;
        this.arena = arena;
        this.slot = slot;
        this.block = block;
        this.onClose = onClose;
    }

    @Override
    public Zone zone() {
        return slot.zone();
    }

    @Override
    public MemorySegment memory() {
        return block.owned();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            table.unregisterArenaZone(slot);
            arena.free(block);
            onClose.accept(this);
        }
    }

    @Override
    public String toString() {
        return "arena " + slot.zone();
    }
}
