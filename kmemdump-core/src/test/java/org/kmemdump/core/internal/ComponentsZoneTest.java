package org.kmemdump.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.format.ComponentsText;
import org.kmemdump.format.SnapshotBuffers;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;

/**
 * The components zone in a real Felix framework without Declarative Services: the core runs on
 * and the zone says why it lists nothing; a burst of service events costs a few rewrites, not one
 * each. (With SCR: itest/osgi-tests ComponentsZoneTest and the features' ComponentsCrashIT.)
 */
class ComponentsZoneTest {
    @TempDir
    Path work;

    private Framework framework;
    private final Arena memory = Arena.ofShared();
    private final ZoneTable table = new ZoneTable(warning -> { });
    private ComponentsZone zone;

    @BeforeEach
    void start() throws Exception {
        framework = EmbeddedFelix.start(work);
    }

    @AfterEach
    void stop() throws Exception {
        if (zone != null) {
            zone.close();
        }
        framework.stop();
        framework.waitForStop(10_000);
        memory.close();
    }

    private SnapshotBuffers.Snapshot awaitSnapshot(long atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        SnapshotBuffers.Snapshot snapshot = zone.newest();
        while ((snapshot == null || snapshot.sequence() < atLeast) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            snapshot = zone.newest();
        }
        assertNotNull(snapshot, "no snapshot within 10 s");
        return snapshot;
    }

    @Test
    void withoutScrTheZoneSaysSo() throws Exception {
        zone = ComponentsZone.start(framework.getBundleContext(), memory, ComponentsZone.DEFAULT_SIZE, table, new Owner(0, "core"),
                warning -> { });
        ComponentsText.Components components = ComponentsText.read(awaitSnapshot(1).text());
        assertEquals(0, components.components().size());
        assertTrue(components.note().startsWith("no ServiceComponentRuntime service"), components.note());
        assertEquals(9, table.zones().getFirst().id());
    }

    @Test
    void aBurstOfEventsIsDebounced() throws Exception {
        BundleContext context = framework.getBundleContext();
        zone = ComponentsZone.start(context, memory, ComponentsZone.DEFAULT_SIZE, table, new Owner(0, "core"), warning -> { });
        awaitSnapshot(1);
        long start = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            ServiceRegistration<Runnable> registration = context.registerService(Runnable.class, () -> { }, null);
            registration.unregister();
        }
        long burstMs = (System.nanoTime() - start) / 1_000_000;
        Thread.sleep(ComponentsZone.DEBOUNCE_MS + 2 * ComponentsZone.SETTLE_MS + 500);
        long rewrites = zone.newest().sequence() - 1;
        // one debounced rewrite per interval that began while the burst lasted, one settle rewrite after it, and a settle
        // rewrite for every whole settle interval the burst had without a debounced rewrite (a stalled burst thread)
        assertTrue(rewrites >= 1 && rewrites <= burstMs / ComponentsZone.DEBOUNCE_MS + burstMs / ComponentsZone.SETTLE_MS + 3,
                "2000 service events in " + burstMs + " ms cost " + rewrites + " rewrites");
    }

    @Test
    void sizeZeroIsNoZone() throws Exception {
        assertEquals(null, ComponentsZone.start(framework.getBundleContext(), memory, 0, table, new Owner(0, "core"), warning -> { }));
    }
}
