package org.kmemdump.core.internal;

import static org.kmemdump.api.ZoneIds.MAX_ZONES;
import static org.kmemdump.api.ZoneIds.NO_ID;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.kmemdump.api.BackendRefusedException;
import org.kmemdump.api.RegistryFullException;
import org.kmemdump.api.ZoneIdInUseException;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.backend.Backend;
import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;

/**
 * The zone table and its one active backend: the kernel's {@code kmemdump.c}. One lock guards
 * everything, backend calls included, so that at every quiet moment the active backend holds
 * exactly the table's zones (less those it refused on replay).
 *
 * <p>Backends must not block on the registry from another thread while inside a callback.
 */
final class ZoneTable {
    /**
     * Told of every change, under the lock, so derived zones (the coreimage, the zone directory)
     * are never stale. One slot at a time, so that a register or unregister costs the listener
     * the work of that zone, not of all of them.
     */
    interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void backendChanged(String backendName) {
            }

            @Override
            public void zoneChanged(ZoneSlot before, ZoneSlot after) {
            }
        };

        /** The active backend is now the one named (first of all when the listener is set). */
        void backendChanged(String backendName);

        /**
         * One zone id's slot changed: {@code before} was registered and is gone if {@code after} is
         * {@code null}, {@code after} is new if {@code before} is {@code null}, or the zone's state changed.
         */
        void zoneChanged(ZoneSlot before, ZoneSlot after);

        /** Every change of one registry operation has been told (once per operation: a sync point). */
        default void operationDone() {
        }

        /** @return a listener that tells {@code first}, then {@code second} */
        static Listener both(Listener first, Listener second) {
            return new Listener() {
                @Override
                public void backendChanged(String backendName) {
                    first.backendChanged(backendName);
                    second.backendChanged(backendName);
                }

                @Override
                public void zoneChanged(ZoneSlot before, ZoneSlot after) {
                    first.zoneChanged(before, after);
                    second.zoneChanged(before, after);
                }

                @Override
                public void operationDone() {
                    first.operationDone();
                    second.operationDone();
                }
            };
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final ZoneSlot[] slots = new ZoneSlot[MAX_ZONES];
    private final Consumer<String> warnings;
    private Listener listener = Listener.NONE;
    /** What the listener was last told, by id, and of which backend: changes are told by difference. */
    private final ZoneSlot[] told = new ZoneSlot[MAX_ZONES];
    private String toldBackend;
    /** Finds a zone's {@link ZoneSlot#canonical canonical} view of its memory. */
    private UnaryOperator<MemorySegment> canonical = UnaryOperator.identity();
    private Backend active;
    private String activeName = "none";
    private final OsCoreDumps osCoreDumps;

    ZoneTable(Consumer<String> warnings) {
        this.warnings = warnings;
        this.osCoreDumps = new OsCoreDumps(Host.readPageSize());
    }

    void listener(Listener listener) {
        locked(() -> {
            this.listener = listener;
            Arrays.fill(told, null);
            toldBackend = null;
            changed();
            return null;
        });
    }

    /**
     * Sets what a zone's records point at: the {@link DumpArena}'s main mapping for memory in one
     * of its blocks. For zones registered from now on.
     */
    void canonical(UnaryOperator<MemorySegment> canonical) {
        locked(() -> {
            this.canonical = canonical;
            return null;
        });
    }

    ZoneSlot register(int requestedId, String name, MemorySegment memory, Owner owner) throws ZoneRegistrationException {
        return register(requestedId, name, memory, owner, false);
    }

    /**
     * @param sensitive a sensitive zone is not handed to the backend: every backend there is
     *                  records zones for a dump that cannot leave any out (the firmware collects a
     *                  minidump table whole); its pages are kept out of OS core dumps meanwhile
     */
    ZoneSlot register(int requestedId, String name, MemorySegment memory, Owner owner, boolean sensitive)
            throws ZoneRegistrationException {
        if (requestedId != NO_ID) {
            ZoneArguments.checkId(requestedId);
        }
        ZoneArguments.checkName(name);
        ZoneArguments.checkMemory(memory);
        lock.lock();
        try {
            int id = requestedId == NO_ID ? firstFree() : requestedId;
            if (slots[id] != null) {
                throw new ZoneIdInUseException(id, "zone id " + id + " is in use by '" + slots[id].name() + "' of "
                        + slots[id].owner() + ": unregister it first");
            }
            ZoneSlot slot = new ZoneSlot(id, name, memory, canonical.apply(memory), owner, sensitive, null);
            if (active != null && !sensitive) {
                try {
                    active.registerRegion(slot.region());
                } catch (RegionRefusedException e) {
                    throw new BackendRefusedException(activeName, e.getMessage());
                } catch (RuntimeException e) {
                    throw new BackendRefusedException(activeName, "it failed: " + e);
                }
            }
            slots[id] = slot;
            if (sensitive) {
                adviseOsCoreDumps(slot, true);
            }
            changed(id);
            return slot;
        } finally {
            lock.unlock();
        }
    }

    private int firstFree() throws RegistryFullException {
        for (int id = NO_ID; id < MAX_ZONES; id++) {
            if (slots[id] == null) {
                return id;
            }
        }
        throw new RegistryFullException("no free zone id: ids " + NO_ID + " to " + (MAX_ZONES - 1)
                + " (the ones handed out for 'any free id') are all taken");
    }

    /** @return whether a zone was removed; a free slot is a no-op, as in the kernel */
    boolean unregister(int id, Owner owner) {
        ZoneArguments.checkId(id);
        lock.lock();
        try {
            ZoneSlot slot = slots[id];
            if (slot == null) {
                return false;
            }
            if (!slot.owner().equals(owner)) {
                throw new IllegalStateException("zone " + id + " '" + slot.name() + "' belongs to " + slot.owner()
                        + ", not to " + owner);
            }
            release(slot);
            changed(id);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Unregisters the arena zone {@code slot}, if it is still registered (its id may have been
     * unregistered and taken again since, and then the newer zone must stay), and every other zone
     * whose bytes lie in its block (a part of its memory registered on its own), with a warning:
     * its block is about to be freed and may be another zone's next, so no record may name it.
     */
    void unregisterArenaZone(ZoneSlot slot) {
        locked(() -> {
            boolean removed = false;
            for (ZoneSlot current : slots) {
                if (current == null) {
                    continue;
                }
                long offset = current.address() - slot.address();
                boolean itself = current.memory() == slot.memory() && current.owner().equals(slot.owner());
                boolean part = !itself && offset >= 0 && current.size() <= slot.size() - offset;
                if (part) {
                    warnings.accept("zone " + current.id() + " '" + current.name() + "' of " + current.owner() + " lay in arena zone "
                            + slot.id() + " '" + slot.name() + "', which was closed: it is unregistered");
                }
                if (itself || part) {
                    release(current);
                    removed = true;
                }
            }
            if (removed) {
                changed();
            }
            return null;
        });
    }

    /** Unregisters every zone of an owner that is going away. */
    void unregisterAll(Owner owner) {
        locked(() -> {
            for (ZoneSlot slot : slots) {
                if (slot != null && slot.owner().equals(owner)) {
                    release(slot);
                }
            }
            changed();
            return null;
        });
    }

    private void release(ZoneSlot slot) {
        unregisterFromBackend(slot);
        slots[slot.id()] = null;
        if (slot.sensitive() && !slot.lost()) {
            adviseOsCoreDumps(slot, false);
        }
    }

    /**
     * Keeps a sensitive zone's pages (both mappings, when it lies in the arena) out of OS core
     * dumps, or lets them back in once no other sensitive zone shares a page with it.
     */
    private void adviseOsCoreDumps(ZoneSlot slot, boolean exclude) {
        for (MemorySegment pages : slot.memory() == slot.canonical() ? List.of(slot.memory()) : List.of(slot.memory(), slot.canonical())) {
            if (!exclude && sharesPageWithSensitive(pages)) {
                continue;
            }
            String problem = exclude ? osCoreDumps.exclude(pages) : osCoreDumps.include(pages);
            if (problem != null) {
                warnings.accept("zone " + slot.id() + " '" + slot.name() + "': " + problem + "; its pages "
                        + (exclude ? "stay in" : "stay out of") + " operating-system core dumps");
            }
        }
    }

    private boolean sharesPageWithSensitive(MemorySegment pages) {
        long first = osCoreDumps.firstPage(pages);
        long end = osCoreDumps.endPage(pages);
        for (ZoneSlot other : slots) {
            if (other != null && other.sensitive()) {
                for (MemorySegment theirs : List.of(other.memory(), other.canonical())) {
                    if (osCoreDumps.firstPage(theirs) < end && first < osCoreDumps.endPage(theirs)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private void unregisterFromBackend(ZoneSlot slot) {
        if (active != null && slot.refusal() == null && !slot.sensitive()) {
            try {
                active.unregisterRegion(slot.region());
            } catch (RuntimeException e) {
                warnings.accept("backend '" + activeName + "' failed to unregister zone " + slot.id() + ": " + e);
            }
        }
    }

    /** Empties the active backend in one call, so a compacting table compacts once, not once per zone. */
    private void unregisterAllFromBackend() {
        if (active == null) {
            return;
        }
        List<Region> held = new ArrayList<>();
        for (ZoneSlot slot : slots) {
            if (slot != null && slot.refusal() == null && !slot.sensitive()) {
                held.add(slot.region());
            }
        }
        try {
            active.unregisterRegions(held);
        } catch (RuntimeException e) {
            warnings.accept("backend '" + activeName + "' failed to unregister the zones: " + e);
        }
    }

    /**
     * Changes the set of known backends, then makes {@code choice} the active one: all zones are
     * unregistered from the old backend, the new one becomes active, all zones are replayed into it
     * in ascending id order. A replay refusal is recorded on the zone, which stays registered.
     */
    void changeBackends(Runnable change, Supplier<Backend> choice) {
        locked(() -> {
            change.run();
            Backend next = choice.get();
            if (next == active) {
                return null;
            }
            unregisterAllFromBackend();
            active = next;
            activeName = next == null ? "none" : BackendSet.nameOf(next);
            for (int id = 1; id < MAX_ZONES; id++) {
                if (slots[id] != null) {
                    slots[id] = replay(slots[id]);
                }
            }
            changed();
            return null;
        });
    }

    private ZoneSlot replay(ZoneSlot slot) {
        if (active == null || slot.sensitive()) {
            return slot.withRefusal(null);
        }
        String reason;
        try {
            active.registerRegion(slot.region());
            return slot.withRefusal(null);
        } catch (RegionRefusedException e) {
            reason = e.getMessage();
        } catch (RuntimeException e) {
            reason = "it failed: " + e;
        }
        warnings.accept("backend '" + activeName + "' refused zone " + slot.id() + " '" + slot.name() + "' on replay: "
                + reason + "; the zone stays registered and will be offered to the next backend");
        return slot.withRefusal(reason);
    }

    /**
     * Tells the listener every difference from what it was told: the backend, then removals from
     * the highest id down and the other changes from the lowest up, so that a coreimage, whose
     * later zones move when a lower one changes, moves as little as it can.
     */
    private void changed() {
        if (!activeName.equals(toldBackend)) {
            listener.backendChanged(activeName);
            toldBackend = activeName;
        }
        for (int id = MAX_ZONES - 1; id > 0; id--) {
            if (slots[id] == null) {
                tell(id);
            }
        }
        for (int id = 1; id < MAX_ZONES; id++) {
            tell(id);
        }
        listener.operationDone();
    }

    /** Tells the listener of the change of one id (a register or unregister): no other changed. */
    private void changed(int id) {
        tell(id);
        listener.operationDone();
    }

    /** Tells the listener of the change of one id, if there is one. */
    private void tell(int id) {
        ZoneSlot before = told[id];
        if (before != slots[id]) {
            told[id] = slots[id];
            listener.zoneChanged(before, slots[id]);
        }
    }

    /** @return the occupied slots in ascending id order */
    List<ZoneSlot> zones() {
        return locked(this::zonesLocked);
    }

    private List<ZoneSlot> zonesLocked() {
        int count = 0;
        for (ZoneSlot slot : slots) {
            count += slot == null ? 0 : 1;
        }
        List<ZoneSlot> zones = new ArrayList<>(count); // sized once: this runs on every change
        for (ZoneSlot slot : slots) {
            if (slot != null) {
                zones.add(slot);
            }
        }
        return zones;
    }

    Backend activeBackend() {
        return locked(() -> active);
    }

    /** Runs an action under the table lock: nothing changes while it runs. */
    <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
