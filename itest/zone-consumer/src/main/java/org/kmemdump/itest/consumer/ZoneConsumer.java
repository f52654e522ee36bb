package org.kmemdump.itest.consumer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.kmemdump.api.ArenaZone;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.api.ZoneRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Allocates {@value #ZONES} zones of {@value #SIZE} bytes in the persistent dump arena, named
 * {@code consumer-<n>}, each filled with the byte {@code 'A' + n}, and registers one zone of
 * ordinary native memory under {@link ZoneIds#USER_END}, {@code consumer-native}, filled with
 * {@code 'N'} (readable only from the live or stopped process). It never frees them: the registry
 * must unregister them when this bundle stops.
 */
@Component(immediate = true, service = {})
public class ZoneConsumer {
    static final int ZONES = 3;
    static final int SIZE = 4096;

    @Activate
    public ZoneConsumer(@Reference ZoneRegistry registry) throws ZoneRegistrationException {
        for (int n = 0; n < ZONES; n++) {
            ArenaZone zone = registry.allocate("consumer-" + n, SIZE);
            zone.memory().fill((byte) ('A' + n));
        }
        // an automatic arena: the registry's reference keeps the memory alive while it is registered
        MemorySegment nativeZone = Arena.ofAuto().allocate(SIZE);
        nativeZone.fill((byte) 'N');
        registry.register(ZoneIds.USER_END, "consumer-native", nativeZone);
    }
}
