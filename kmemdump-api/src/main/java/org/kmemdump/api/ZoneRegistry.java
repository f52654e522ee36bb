package org.kmemdump.api;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Marks native memory zones for post-mortem dumping. The service is per bundle: each bundle gets
 * its own view, may unregister only the zones it registered, and loses all of them when it stops
 * or releases the service.
 *
 * <p>Semantics follow the kernel's kmemdump v3: one table of {@link ZoneIds#MAX_ZONES} slots, one
 * active backend that is told of every registration before it is stored. Every failure leaves the
 * registry exactly as it was.
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface ZoneRegistry {
    /**
     * Longest zone name, in characters. The Qualcomm minidump region descriptor has a 16-byte
     * name field that must stay NUL-terminated, and the collector writes each zone to a file
     * {@code md_<name>.BIN}, so names are 1 to 15 characters of {@code [A-Za-z0-9_.+-]}.
     */
    int MAX_NAME_LENGTH = 15;

    /**
     * Registers a zone under a requested id, or under the lowest free id from
     * {@link ZoneIds#NO_ID} up when {@code id == ZoneIds.NO_ID}.
     *
     * <p>Memory in the persistent dump arena (a part of an {@link ArenaZone#memory()}) is
     * registered, like the arena zone itself, at the address its bytes have in the arena's main
     * mapping, so it is collected from the arena file after the JVM is gone; the returned
     * {@link Zone#address()} is that address.
     *
     * @param id     1 to {@code ZoneIds.MAX_ZONES - 1}, or {@link ZoneIds#NO_ID} for any free id
     * @param name   1 to {@link #MAX_NAME_LENGTH} characters of {@code [A-Za-z0-9_.+-]}
     * @param memory a native, alive, non-empty segment readable from any thread (from a shared,
     *               global or automatic arena; a confined arena's memory could not be dumped)
     * @return the registered zone with the id it got
     * @throws IllegalArgumentException naming the bad argument: id out of range, bad name, null,
     *                                  heap, closed, empty or thread-confined segment
     * @throws RegistryFullException    "any free id" found no free slot
     * @throws ZoneIdInUseException     the requested id is taken
     * @throws BackendRefusedException  the active backend refused the zone
     */
    default Zone register(int id, String name, MemorySegment memory) throws ZoneRegistrationException {
        return register(id, name, memory, new ZoneOption[0]);
    }

    /**
     * Registers a zone as {@link #register(int, String, MemorySegment)} does, with options:
     * {@link ZoneOption#SENSITIVE} keeps its bytes out of every dump unless an operator asks for
     * them explicitly (see there for what is promised).
     *
     * @param options none, or {@link ZoneOption#SENSITIVE}; {@code null} elements are refused
     * @throws IllegalArgumentException as {@link #register(int, String, MemorySegment)}, or a {@code null} option
     * @since 1.3
     */
    Zone register(int id, String name, MemorySegment memory, ZoneOption... options) throws ZoneRegistrationException;

    /**
     * Registers a zone under any free id: {@code register(ZoneIds.NO_ID, name, memory)}.
     *
     * @see #register(int, String, MemorySegment)
     */
    default Zone register(String name, MemorySegment memory) throws ZoneRegistrationException {
        return register(ZoneIds.NO_ID, name, memory);
    }

    /**
     * Registers a zone with options under any free id.
     *
     * @see #register(int, String, MemorySegment, ZoneOption...)
     * @since 1.3
     */
    default Zone register(String name, MemorySegment memory, ZoneOption... options) throws ZoneRegistrationException {
        return register(ZoneIds.NO_ID, name, memory, options);
    }

    /**
     * Allocates {@code size} bytes in the persistent dump arena and registers them as a zone, under
     * a requested id or, with {@link ZoneIds#NO_ID}, the lowest free id from 49 up. The zone is
     * freed when it is closed or when this bundle stops.
     *
     * @param size 1 byte up to the arena's free space
     * @throws IllegalArgumentException naming the bad argument (id, name, size below 1)
     * @throws IllegalStateException    if the runtime has no persistent arena (its directory was
     *                                  unusable: the message says why)
     * @throws ArenaFullException       no free block is large enough, whatever the size (up to
     *                                  {@code Long.MAX_VALUE}); the arena is unchanged
     * @throws RegistryFullException    "any free id" found no free slot
     * @throws ZoneIdInUseException     the requested id is taken
     * @throws BackendRefusedException  the active backend refused the zone
     * @since 1.1
     */
    default ArenaZone allocate(int id, String name, long size) throws ZoneRegistrationException {
        return allocate(id, name, size, new ZoneOption[0]);
    }

    /**
     * Allocates and registers an arena zone as {@link #allocate(int, String, long)} does, with
     * options: {@link ZoneOption#SENSITIVE} keeps its bytes out of every dump unless an operator
     * asks for them explicitly (see there for what is promised).
     *
     * @param options none, or {@link ZoneOption#SENSITIVE}; {@code null} elements are refused
     * @since 1.3
     */
    ArenaZone allocate(int id, String name, long size, ZoneOption... options) throws ZoneRegistrationException;

    /**
     * Allocates and registers an arena zone under any free id.
     *
     * @see #allocate(int, String, long)
     * @since 1.1
     */
    default ArenaZone allocate(String name, long size) throws ZoneRegistrationException {
        return allocate(ZoneIds.NO_ID, name, size);
    }

    /**
     * Allocates and registers an arena zone with options under any free id, e.g.
     * {@code allocate("keys", 4096, ZoneOption.SENSITIVE)}.
     *
     * @see #allocate(int, String, long, ZoneOption...)
     * @since 1.3
     */
    default ArenaZone allocate(String name, long size, ZoneOption... options) throws ZoneRegistrationException {
        return allocate(ZoneIds.NO_ID, name, size, options);
    }

    /**
     * Unregisters one of this bundle's zones: the active backend forgets it, then the slot is
     * freed. Unregister before freeing the zone's memory.
     *
     * @param id 1 to {@code ZoneIds.MAX_ZONES - 1}
     * @return {@code true} if a zone was removed, {@code false} if the slot was already free (a
     *         no-op, as in the kernel)
     * @throws IllegalArgumentException if the id is out of range
     * @throws IllegalStateException    if the zone belongs to another bundle or to the runtime
     */
    boolean unregister(int id);

    /** @return every registered zone, of every bundle, in ascending id order */
    List<Zone> zones();
}
