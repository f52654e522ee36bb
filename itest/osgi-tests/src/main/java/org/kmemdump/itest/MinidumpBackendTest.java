package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.itest.Fixture.await;
import static org.kmemdump.itest.Fixture.ids;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistry;
import org.kmemdump.backend.Backend;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.SmemFile;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.test.common.annotation.InjectService;

/**
 * The minidump backend installed, swapped in and removed at runtime: the zones the registry holds
 * are exactly the valid regions of the SMEM file's minidump table while it is active, and the table
 * is disabled when it goes. The file is read through a mapping of the test's own, as a collector
 * would read it.
 */
class MinidumpBackendTest extends InFramework {
    private static final String PID = "org.kmemdump.backend.minidump";

    @InjectService
    KmemdumpDirectory directory;

    // Looked up, not injected: an injected service is tracked, and a tracker that takes the core's new
    // ZoneRegistry first would bring the core up before the backend and hide the cycle of the restart test.
    private ServiceReference<ZoneRegistry> registryReference;
    private ZoneRegistry registry;
    private Fixture fixture;
    private Arena arena;
    private Bundle consumer;
    private Bundle minidump;
    private Path smem;
    private Zone testZone;
    private Zone lateZone;

    /** A region as the collector reads it, or as it should be for a zone. */
    private record Row(int seqNum, String name, long address, long size) {
    }

    @BeforeEach
    void setUp() throws Exception {
        fixture = new Fixture(context, configurationAdmin);
        lookUpRegistry();
        arena = Arena.ofShared();
        smem = directory.path().resolve(SmemFile.FILE_NAME);
        consumer = installer.installBundle(Fixture.embedded("zone-consumer"), false);
        consumer.start();
        await("the consumer's zones", () -> ids(registry).containsAll(List.of(49, 50, 51)));
        testZone = registry.register(ZoneIds.USER_START, "test-zone", arena.allocate(101));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Configuration configuration : configurationAdmin.listConfigurations("(service.pid=" + PID + ")")
                instanceof Configuration[] found ? found : new Configuration[0]) {
            configuration.delete();
        }
        registry.unregister(ZoneIds.USER_START);
        if (lateZone != null) {
            registry.unregister(lateZone.id());
        }
        for (Bundle bundle : new Bundle[] {minidump, consumer}) {
            if (bundle != null && bundle.getState() != Bundle.UNINSTALLED) {
                bundle.uninstall();
            }
        }
        await("the default backend to be active again", () -> Fixture.activeBackend(registry).equals("default"));
        context.ungetService(registryReference);
        arena.close();
    }

    private void lookUpRegistry() {
        registryReference = context.getServiceReference(ZoneRegistry.class);
        registry = context.getService(registryReference);
        assertNotNull(registry, "the core's ZoneRegistry service gave no object (a failed activation; see the log)");
    }

    private void startMinidump() throws Exception {
        minidump = installer.installBundle(Fixture.embedded("backend-minidump"), false);
        minidump.start();
        await("the minidump backend to be active", () -> Fixture.activeBackend(registry).equals("minidump"));
    }

    /** @return every zone as the minidump backend should record it: seq_num = id, size rounded up to 4 */
    private List<Row> zonesAsRegions() {
        return registry.zones().stream().map(z -> new Row(z.id(), z.name(), z.address(), (z.size() + 3) / 4 * 4)).toList();
    }

    /** @return the valid regions in table order: id order after a replay, later registrations appended */
    private List<Row> regionsIn(Path file) {
        return read(file, table -> table.validRegions().stream()
                .map(r -> new Row(r.seqNum(), r.name(), r.address(), r.size())).toList());
    }

    private static List<Row> inIdOrder(List<Row> rows) {
        return rows.stream().sorted(Comparator.comparingInt(Row::seqNum)).toList();
    }

    private boolean apssEnabled(Path file) {
        return read(file, table -> table.apssStatus() == MinidumpTable.SS_STATUS_READY && table.apssEnabled() == MinidumpTable.SS_ENABLED);
    }

    private static <T> T read(Path file, Function<MinidumpTable, T> reader) {
        try (Arena mapping = Arena.ofConfined(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            MemorySegment bytes = channel.map(MapMode.READ_ONLY, 0, channel.size(), mapping);
            SmemFile.check(bytes, file.toString());
            return reader.apply(SmemFile.table(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void assertTableHoldsEveryZone(Path file) {
        assertTrue(apssEnabled(file), "the application subsystem is enabled in " + file);
        assertEquals(zonesAsRegions(), inIdOrder(regionsIn(file)), "the valid regions are the registry's zones");
    }

    /** For waiting: a file being created or refilled may not pass yet. */
    private boolean holdsEveryZone(Path file) {
        try {
            return Files.exists(file) && apssEnabled(file) && inIdOrder(regionsIn(file)).equals(zonesAsRegions());
        } catch (IllegalArgumentException notReadyYet) {
            return false;
        }
    }

    @Test
    void theZonesFollowTheBundleInOutAndInAgain() throws Exception {
        List<Integer> zones = ids(registry);
        assertTrue(zones.containsAll(List.of(1, 2, 3, 4, 5, 6, 7, 47, 49, 50, 51)), zones.toString());

        startMinidump();
        assertTableHoldsEveryZone(smem);
        assertEquals(zones, regionsIn(smem).stream().map(Row::seqNum).toList(), "replayed in id order");
        assertTrue(regionsIn(smem).contains(new Row(ZoneIds.USER_START, "test-zone", testZone.address(), 104)),
                "101 bytes are recorded as 104: " + regionsIn(smem));

        minidump.uninstall();
        await("the default backend", () -> Fixture.activeBackend(registry).equals("default"));
        assertTrue(Files.exists(smem), "the SMEM file stays");
        assertFalse(apssEnabled(smem), "the application subsystem is disabled");
        assertEquals(List.of(), regionsIn(smem), "no valid region is left");

        startMinidump();
        assertTableHoldsEveryZone(smem);
    }

    @Test
    void zonesRegisteredAndUnregisteredWhileActive() throws Exception {
        startMinidump();
        lateZone = registry.register("late-zone", arena.allocate(7));
        assertTrue(regionsIn(smem).contains(new Row(lateZone.id(), "late-zone", lateZone.address(), 8)), regionsIn(smem).toString());
        assertTableHoldsEveryZone(smem);

        registry.unregister(lateZone.id());
        assertTrue(regionsIn(smem).stream().noneMatch(r -> r.seqNum() == lateZone.id()), regionsIn(smem).toString());
        assertTableHoldsEveryZone(smem);
    }

    /**
     * The core gets every backend while it activates, and this backend needs the core's registry: a
     * cycle that must not leave the backend failed when the core restarts. Nothing else may bring the
     * core up first, so the consumer goes and the registry is looked up only afterwards.
     */
    @Test
    void itIsActiveAgainAfterTheCoreRestarts() throws Exception {
        consumer.uninstall();
        startMinidump();
        Bundle core = registryReference.getBundle();
        core.stop();
        assertEquals(List.of(), regionsIn(smem), "the departing core unregistered every zone from the backend");
        core.start();
        lookUpRegistry();
        await("the minidump backend to be active again", () -> Fixture.activeBackend(registry).equals("minidump"));
        assertTrue(ids(registry).containsAll(List.of(1, 2, 3, 4, 5, 6, 7)), ids(registry).toString());
        assertTableHoldsEveryZone(smem);
    }

    @Test
    void configurationSetsTheFileAndTheRanking() throws Exception {
        startMinidump();
        Path other = smem.resolveSibling("smem-configured");
        Files.deleteIfExists(other);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("smem.file", other.toString());
        properties.put("service.ranking", 7);
        configurationAdmin.getConfiguration(PID, "?").update(properties);

        await("the minidump backend to hold every zone in " + other, () -> holdsEveryZone(other));
        assertFalse(apssEnabled(smem), "the default file was let go");
        ServiceReference<Backend> backend = context.getServiceReferences(Backend.class, "(service.ranking=7)").iterator().next();
        assertEquals("minidump", context.getService(backend).name());
        context.ungetService(backend);
    }
}
