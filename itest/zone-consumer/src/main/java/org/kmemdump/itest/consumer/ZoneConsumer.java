package org.kmemdump.itest.consumer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import org.kmemdump.api.ArenaZone;
import org.kmemdump.api.ZoneIdInUseException;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneOption;
import org.kmemdump.api.ZoneRegistrationException;
import org.kmemdump.api.ZoneRegistry;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Allocates {@value #ZONES} zones of {@value #SIZE} bytes in the persistent dump arena, named
 * {@code consumer-<n>}, each filled with the byte {@code 'A' + n}, and registers one zone of
 * ordinary native memory under {@link ZoneIds#USER_END}, {@code consumer-native}, filled with
 * {@code 'N'} (readable only from the live or stopped process). It never frees them: the registry
 * must unregister them when this bundle stops.
 *
 * <p>With the framework property {@value #SLICE} set to {@code true} it also registers a part of
 * {@code consumer-2}'s own mapping ({@link ArenaZone#memory()}) as a zone of its own,
 * {@code consumer-slice}: the {@value #SLICE_SIZE} bytes from offset {@value #SLICE_OFFSET}, byte
 * {@code i} being {@code 'a' + i % 26} (so {@code consumer-2} holds them too).
 *
 * <p>With the framework property {@value #SECRET} set, it also allocates an arena zone registered
 * {@link ZoneOption#SENSITIVE}, {@code consumer-keys}, holding that property's text.
 *
 * <p>With the framework property {@value #MARKER} set, it also allocates an ordinary arena zone,
 * {@code consumer-mark}, holding that property's text: a run's own marker, to find in its core.
 *
 * <p>With the framework property {@value #FILL} set to {@code true}, it last registers an ordinary
 * zone of {@value #FILL_SIZE} bytes, {@code fill-<id>}, under every id still free, until the
 * registry is full (all 200 ids): the most a page or a dump has to show.
 */
@Component(immediate = true, service = {})
public class ZoneConsumer {
    static final int ZONES = 3;
    static final int SIZE = 4096;
    /** Framework property: {@code true} to register {@code consumer-slice} too. */
    static final String SLICE = "kmemdump.consumer.slice";
    static final int SLICE_OFFSET = 1024;
    static final int SLICE_SIZE = 512;
    /** Framework property: the text of the sensitive zone {@code consumer-keys}; unset for none. */
    static final String SECRET = "kmemdump.consumer.secret";
    /** Framework property: the text of the zone {@code consumer-mark}; unset for none. */
    static final String MARKER = "kmemdump.consumer.marker";
    /** Framework property: {@code true} to fill every free id with a zone {@code fill-<n>}. */
    static final String FILL = "kmemdump.consumer.fill";
    static final int FILL_SIZE = 64;

    @Activate
    public ZoneConsumer(@Reference ZoneRegistry registry, BundleContext context) throws ZoneRegistrationException {
        ArenaZone last = null;
        for (int n = 0; n < ZONES; n++) {
            last = registry.allocate("consumer-" + n, SIZE);
            last.memory().fill((byte) ('A' + n));
        }
        // an automatic arena: the registry's reference keeps the memory alive while it is registered
        MemorySegment nativeZone = Arena.ofAuto().allocate(SIZE);
        nativeZone.fill((byte) 'N');
        registry.register(ZoneIds.USER_END, "consumer-native", nativeZone);
        if (Boolean.parseBoolean(context.getProperty(SLICE))) {
            MemorySegment slice = last.memory().asSlice(SLICE_OFFSET, SLICE_SIZE);
            for (int i = 0; i < SLICE_SIZE; i++) {
                slice.set(ValueLayout.JAVA_BYTE, i, (byte) ('a' + i % 26));
            }
            registry.register("consumer-slice", slice);
        }
        String secret = context.getProperty(SECRET);
        if (secret != null) {
            byte[] bytes = secret.getBytes(StandardCharsets.US_ASCII);
            registry.allocate("consumer-keys", bytes.length, ZoneOption.SENSITIVE).memory().copyFrom(MemorySegment.ofArray(bytes));
        }
        String marker = context.getProperty(MARKER);
        if (marker != null) {
            byte[] bytes = marker.getBytes(StandardCharsets.US_ASCII);
            registry.allocate("consumer-mark", bytes.length).memory().copyFrom(MemorySegment.ofArray(bytes));
        }
        if (Boolean.parseBoolean(context.getProperty(FILL))) {
            fill(registry);
        }
    }

    /** Every free id, the reserved ones too (any free id starts at 49): all 200 zones the table holds. */
    private static void fill(ZoneRegistry registry) throws ZoneRegistrationException {
        MemorySegment memory = Arena.ofAuto().allocate((long) FILL_SIZE * ZoneIds.MAX_ZONES);
        for (int id = 1; id < ZoneIds.MAX_ZONES; id++) {
            try {
                registry.register(id, "fill-" + id, memory.asSlice((long) id * FILL_SIZE, FILL_SIZE));
            } catch (ZoneIdInUseException taken) {
                // a zone of the runtime's or of this bundle
            }
        }
    }
}
