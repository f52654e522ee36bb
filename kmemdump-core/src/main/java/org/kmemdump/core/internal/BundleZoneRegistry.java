package org.kmemdump.core.internal;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.kmemdump.api.Zone;
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
    private final ZoneTable table;
    private final Owner owner;

    @Activate
    public BundleZoneRegistry(@Reference KmemdumpRuntime runtime, ComponentContext context) {
        Bundle user = context.getUsingBundle();
        this.table = runtime.table();
        this.owner = new Owner(user.getBundleId(), user.getSymbolicName());
    }

    @Deactivate
    void deactivate() {
        table.unregisterAll(owner);
    }

    @Override
    public Zone register(int id, String name, MemorySegment memory) throws ZoneRegistrationException {
        return table.register(id, name, memory, owner).zone();
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
