package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.kmemdump.backend.Backend;
import org.kmemdump.backend.Region;
import org.kmemdump.backend.RegionRefusedException;

/**
 * A backend that writes each call into a log shared with other backends ({@code "name +id"} for a
 * register, {@code "name -id"} for an unregister), refuses ids on demand, and fails the test if the
 * registry breaks the {@link Backend} contract (registers a region twice, unregisters one it never
 * accepted).
 */
final class RecordingBackend implements Backend {
    private final String name;
    private final List<String> log;
    private final Map<Integer, Exception> failures = new HashMap<>();
    private final Map<Integer, Region> held = new TreeMap<>();

    RecordingBackend(String name, List<String> log) {
        this.name = name;
        this.log = log;
    }

    /** Makes registrations of {@code id} throw {@code failure}, a checked refusal or a runtime failure. */
    RecordingBackend refuse(int id, Exception failure) {
        failures.put(id, failure);
        return this;
    }

    /** @return the regions this backend holds now, by id */
    Map<Integer, Region> held() {
        return held;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void registerRegion(Region region) throws RegionRefusedException {
        log.add(name + " +" + region.id());
        assertFalse(held.containsKey(region.id()), name + " was asked to register region " + region.id() + " twice");
        switch (failures.get(region.id())) {
            case null -> held.put(region.id(), region);
            case RegionRefusedException refused -> throw refused;
            case RuntimeException broken -> throw broken;
            case Exception other -> throw new IllegalArgumentException("cannot throw " + other);
        }
    }

    @Override
    public void unregisterRegion(Region region) {
        log.add(name + " -" + region.id());
        assertNotNull(held.remove(region.id()), name + " was asked to unregister region " + region.id() + " it does not hold");
    }
}
