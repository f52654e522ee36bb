package org.kmemdump.backend;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A dump backend, registered as an OSGi service. The registry keeps exactly one backend active:
 * the one pinned by configuration, else the one with the highest {@code service.ranking} (an
 * {@code Integer}), then the lowest {@code service.id}.
 *
 * <p>When the active backend changes, the registry unregisters every zone from the old one
 * ({@link #unregisterRegions}), then
 * registers every zone with the new one in ascending id order. Calls are serialized by the
 * registry: a backend never sees two calls at once, and never sees a call for a region it does
 * not hold (unregister) or already holds (register).
 */
@ConsumerType
public interface Backend {
    /** @return a short, stable name, used by configuration to pin a backend and shown to operators */
    String name();

    /**
     * Makes a region collectable.
     *
     * @throws RegionRefusedException if it cannot; the registry then stores nothing (on a live
     *                                registration) or records the refusal on the zone (on replay)
     */
    void registerRegion(Region region) throws RegionRefusedException;

    /** Forgets a region previously accepted by {@link #registerRegion(Region)}. */
    void unregisterRegion(Region region);

    /**
     * Forgets all of {@code regions}, every one previously accepted, as {@link #unregisterRegion}
     * for each in the order given would: the registry empties the old backend with it when the
     * active backend changes. A backend whose every removal moves the rest (a compacting table)
     * overrides it to do the work once for all of them.
     *
     * @since 1.1
     */
    default void unregisterRegions(List<Region> regions) {
        regions.forEach(this::unregisterRegion);
    }
}
