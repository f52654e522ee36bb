package org.kmemdump.core.internal;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.kmemdump.api.ArenaZone;
import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneOption;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.api.ZoneRegistry;
import org.osgi.framework.Bundle;
import org.osgi.service.component.ComponentContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;

/**
 * The {@link ZoneRegistry} one bundle sees: its registrations are owned by it, and all of them are
 * unregistered when the bundle stops or releases the service.
 */
@Component(scope = ServiceScope.BUNDLE)
public class BundleZoneRegistry implements ZoneRegistry {
    private final KmemdumpRuntime runtime;
    private final ZoneTable table;
    private final Owner owner;
    /** This bundle's arena zones, freed (after unregistering) when it goes. */
    private final Set<PersistentZone> allocated = ConcurrentHashMap.newKeySet();

    @Activate
    public BundleZoneRegistry(@Reference KmemdumpRuntime runtime, ComponentContext context) {
        Bundle user = context.getUsingBundle();
        this.runtime = runtime;
        this.table = runtime.table();
        this.owner = new Owner(user.getBundleId(), user.getSymbolicName());
    }

    @Deactivate
    void deactivate() {
        table.unregisterAll(owner);
        List.copyOf(allocated).forEach(PersistentZone::close);
    }

    @Override
    public Zone register(int id, String name, MemorySegment memory, ZoneOption... options) throws ZoneRegistrationException {
        return table.register(id, name, memory, owner, ZoneArguments.sensitive(options)).zone();
    }

    @Override
    public ArenaZone allocate(int id, String name, long size, ZoneOption... options) throws ZoneRegistrationException {
        PersistentZone zone = runtime.allocate(id, name, size, ZoneArguments.sensitive(options), owner, allocated::remove);
        allocated.add(zone);
        return zone;
    }

    @Override
    public boolean unregister(int id) {
        return table.unregister(id, owner);
    }

    @Override
    public List<Zone> zones() {
        return table.zones().stream().map(ZoneSlot::zone).toList();
    }
}
