package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.itest.Fixture.await;
import static org.kmemdump.itest.Fixture.ids;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.kmemdump.api.ArenaFullException;
import org.kmemdump.api.ArenaZone;
import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistry;
import org.osgi.framework.Bundle;
import org.osgi.test.common.annotation.InjectService;

/** Zones allocated in the persistent arena: their bytes are in the arena file, where a collector reads them. */
class ArenaZoneTest extends InFramework {
    @InjectService
    ZoneRegistry registry;

    /** @return the zone's bytes in the arena file, read through a mapping of our own */
    private byte[] inArenaFile(Zone zone) throws IOException {
        return new Fixture(context, configurationAdmin).readArena((mapped, header) -> {
            assertTrue(header.holds(zone.address(), zone.size()), zone + " lies in the arena file");
            assertEquals(ProcessHandle.current().pid(), header.pid());
            return mapped.asSlice(header.offsetOf(zone.address()), zone.size()).toArray(ValueLayout.JAVA_BYTE);
        });
    }

    @Test
    void anArenaZonesBytesAreInTheFileAndCloseFreesIt() throws Exception {
        ArenaZone zone = registry.allocate("persistent", 1000);
        try {
            assertTrue(ids(registry).contains(zone.zone().id()));
            zone.memory().fill((byte) 0x5A);
            byte[] expected = new byte[1000];
            Arrays.fill(expected, (byte) 0x5A);
            assertArrayEquals(expected, inArenaFile(zone.zone()));
        } finally {
            zone.close();
        }
        assertFalse(ids(registry).contains(zone.zone().id()), "closing unregisters");
        assertThrows(IllegalStateException.class, () -> zone.memory().get(ValueLayout.JAVA_BYTE, 0),
                "and revokes the owner's view of freed memory");
        zone.close();
    }

    @Test
    void theRuntimesOwnZonesLiveInTheArena() throws Exception {
        Zone release = registry.zones().stream().filter(z -> z.id() == ZoneIds.RELEASE).findFirst().orElseThrow();
        assertTrue(new String(inArenaFile(release)).startsWith("kmemdump-"));
    }

    @Test
    void aStoppedBundlesArenaZonesAreUnregisteredAndFreed() throws Exception {
        Bundle consumer = installer.installBundle(Fixture.embedded("zone-consumer"), false);
        try {
            consumer.start();
            await("the consumer's zones", () -> ids(registry).containsAll(List.of(48, 49, 50, 51)));
            Zone first = registry.zones().stream().filter(z -> z.name().equals("consumer-0")).findFirst().orElseThrow();
            byte[] expected = new byte[4096];
            Arrays.fill(expected, (byte) 'A');
            assertArrayEquals(expected, inArenaFile(first));
            consumer.stop();
            assertFalse(ids(registry).contains(49));
            ArenaZone reused = registry.allocate("reuse", 4096);
            try {
                assertEquals(first.address(), reused.zone().address(), "the freed block is allocated again");
                assertEquals(0, reused.memory().get(ValueLayout.JAVA_BYTE, 0), "zero-filled");
            } finally {
                reused.close();
            }
        } finally {
            consumer.uninstall();
        }
    }

    @Test
    void badSizesAndAFullArenaChangeNothing() {
        List<Zone> before = registry.zones();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> registry.allocate("zero", 0)).getMessage().contains("size 0"));
        assertThrows(IllegalArgumentException.class, () -> registry.allocate("neg", -5));
        assertThrows(IllegalArgumentException.class, () -> registry.allocate("bad name", 8));
        assertThrows(IllegalArgumentException.class, () -> registry.allocate(0, "id0", 8));
        assertTrue(assertThrows(ArenaFullException.class, () -> registry.allocate("huge", 1L << 40)).getMessage().contains("arena"));
        assertEquals(before, registry.zones());
    }
}
