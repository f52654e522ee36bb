package org.kmemdump.itest.consumer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.api.ZoneRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Registers {@value #ZONES} zones named {@code consumer-<n>}, each filled with the byte
 * {@code 'A' + n}. It never unregisters them: the registry must do that when this bundle stops.
 * The memory comes from an automatic arena, so it stays alive as long as the registry holds it.
 */
@Component(immediate = true, service = {})
public class ZoneConsumer {
    static final int ZONES = 3;

    @Activate
    public ZoneConsumer(@Reference ZoneRegistry registry) throws ZoneRegistrationException {
        Arena arena = Arena.ofAuto();
        for (int n = 0; n < ZONES; n++) {
            MemorySegment zone = arena.allocate(4096);
            zone.fill((byte) ('A' + n));
            registry.register("consumer-" + n, zone);
        }
    }
}
