package org.kmemdump.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.itest.Fixture.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmemdump.api.Zone;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.api.ZoneRegistry;
import org.kmemdump.backend.Backend;
import org.kmemdump.directory.KmemdumpDirectory;
import org.kmemdump.format.KinfoRecord;
import org.kmemdump.format.KinfoRecord.Contents;
import org.kmemdump.format.KinfoRecord.Pointer;
import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.SmemFile;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.common.service.ServiceAware;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * The kinfo backend installed, outranked, uncovered and removed at runtime, with the minidump and
 * default backends: while it is active its record names the runtime's ELF, VMCOREINFO, bundle table
 * (and log, when there is one) zones and the release string; whenever it is not, no address is
 * left in it. Files are read through mappings of the test's own, as a reader after a crash would.
 */
class KinfoBackendTest extends InFramework {
    private static final String PID = "org.kmemdump.backend.kinfo";
    private static final String MINIDUMP = "org.kmemdump.backend.minidump.internal.MinidumpBackend";
    private static final Pointer NONE = new Pointer(0, 0);

    @InjectService
    KmemdumpDirectory kmemdumpDirectory;
    /** Absent until a test installs the bundle: tracked, so a test can wait for it. */
    @InjectService(filter = "(component.name=" + MINIDUMP + ")", cardinality = 0)
    ServiceAware<Backend> minidumpBackend;

    private ServiceReference<ZoneRegistry> registryReference;
    private ZoneRegistry registry;
    private Fixture fixture;
    private Path directory;
    private Bundle kinfo;
    private Bundle minidump;

    @BeforeEach
    void setUp() {
        fixture = new Fixture(context, configurationAdmin);
        registryReference = context.getServiceReference(ZoneRegistry.class);
        registry = context.getService(registryReference);
        assertNotNull(registry, "the core's ZoneRegistry service gave no object (a failed activation; see the log)");
        directory = kmemdumpDirectory.path();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Configuration configuration : configurationAdmin.listConfigurations("(service.pid=" + PID + ")")
                instanceof Configuration[] found ? found : new Configuration[0]) {
            configuration.delete();
        }
        for (Bundle bundle : new Bundle[] {minidump, kinfo}) {
            if (bundle != null && bundle.getState() != Bundle.UNINSTALLED) {
                bundle.uninstall();
            }
        }
        await("the default backend to be active again", () -> Fixture.activeBackend(registry).equals("default"));
        context.ungetService(registryReference);
    }

    private Bundle start(String artifactId, String backend) throws Exception {
        Bundle bundle = installer.installBundle(Fixture.embedded(artifactId), false);
        bundle.start();
        await("the " + backend + " backend to be active", () -> Fixture.activeBackend(registry).equals(backend));
        return bundle;
    }

    private static Contents record(Path file) {
        try (Arena mapping = Arena.ofConfined(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return KinfoRecord.read(channel.map(MapMode.READ_ONLY, 0, channel.size(), mapping), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<Integer, Zone> zones() {
        return registry.zones().stream().collect(Collectors.toMap(Zone::id, Function.identity()));
    }

    private static Pointer pointer(Zone zone) {
        return zone == null ? NONE : new Pointer(zone.address(), zone.size());
    }

    /** @return the release zone's text, read from its memory up to the NUL */
    private static String release(Zone zone) {
        return MemorySegment.ofAddress(zone.address()).reinterpret(zone.size()).getString(0, StandardCharsets.UTF_8);
    }

    /** @return the record the active kinfo backend should hold for the registry's zones now */
    private Contents expected(Contents inFile) {
        Map<Integer, Zone> zones = zones();
        return new Contents(release(zones.get(ZoneIds.RELEASE)), inFile.buildInfo(), inFile.threadSize(), 64,
                pointer(zones.get(ZoneIds.LOG)), pointer(zones.get(ZoneIds.ELF)), pointer(zones.get(ZoneIds.VMCOREINFO)),
                pointer(zones.get(ZoneIds.BUNDLES)));
    }

    private static Contents empty(Contents inFile) {
        return new Contents("", inFile.buildInfo(), inFile.threadSize(), 64, NONE, NONE, NONE, NONE);
    }

    /** Waits (the bundle table zone moves on bundle events), then compares field by field. */
    private void assertRecordFollowsTheZones(Path file) {
        await("the kinfo record in " + file + " to name the zones", () -> {
            try {
                Contents inFile = record(file);
                return inFile.equals(expected(inFile));
            } catch (IllegalArgumentException | UncheckedIOException notYet) {
                return false;
            }
        });
        Contents inFile = record(file);
        assertEquals(expected(inFile), inFile);
        assertNotEquals(NONE, inFile.elf());
        assertNotEquals(NONE, inFile.vmcoreinfo());
        assertNotEquals(NONE, inFile.bundles());
        assertTrue(inFile.lastUtsRelease().startsWith("kmemdump-"), inFile.lastUtsRelease());
        if (zones().containsKey(ZoneIds.LOG)) {
            assertNotEquals(NONE, inFile.log(), "the log ring is registered: the record points at it");
        }
    }

    private void assertNoAddressIn(Path file) {
        Contents inFile = record(file);
        assertEquals(empty(inFile), inFile);
    }

    /** @return (id, address) of every zone, and of every valid region of the minidump table */
    private List<List<Long>> zonesByAddress() {
        return registry.zones().stream().map(z -> List.of((long) z.id(), z.address())).toList();
    }

    private static List<List<Long>> regionsByAddress(Path smem) {
        try (Arena mapping = Arena.ofConfined(); FileChannel channel = FileChannel.open(smem, StandardOpenOption.READ)) {
            MemorySegment bytes = channel.map(MapMode.READ_ONLY, 0, channel.size(), mapping);
            SmemFile.check(bytes, smem.toString());
            return SmemFile.table(bytes).validRegions().stream().map(r -> List.of((long) r.seqNum(), r.address()))
                    .sorted(Comparator.comparing(r -> r.get(0))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theRecordFollowsTheBackendSwaps() throws Exception {
        Path file = directory.resolve("kinfo");
        kinfo = start("backend-kinfo", "kinfo");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(4096, Files.size(file));
        assertRecordFollowsTheZones(file);
        Contents first = record(file);
        assertEquals("kmemdump " + kinfo.getVersion(), first.buildInfo());
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assertEquals(Long.parseLong(hotSpot.getVMOption("ThreadStackSize").getValue()) * 1024, first.threadSize(),
                "thread_size is this JVM's ThreadStackSize, in bytes");

        minidump = start("backend-minidump", "minidump");
        Path smem = directory.resolve(SmemFile.FILE_NAME);
        assertEquals(zonesByAddress(), regionsByAddress(smem), "the minidump table holds every zone");
        assertNoAddressIn(file);

        minidump.uninstall();
        await("the kinfo backend to be active again", () -> Fixture.activeBackend(registry).equals("kinfo"));
        assertEquals(List.of(), regionsByAddress(smem), "the minidump table let go of every zone");
        assertRecordFollowsTheZones(file);

        kinfo.uninstall();
        await("the default backend", () -> Fixture.activeBackend(registry).equals("default"));
        assertTrue(Files.exists(file), "the kinfo file stays");
        assertNoAddressIn(file);
    }

    @Test
    void configurationSetsTheFileTheSizeTheBuildInfoAndTheRanking() throws Exception {
        kinfo = start("backend-kinfo", "kinfo");
        Path other = directory.resolve("kinfo-configured");
        Files.deleteIfExists(other);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("area.file", other.toString());
        properties.put("area.size", 8192L);
        properties.put("build.info", "itest build");
        properties.put("service.ranking", 150);
        configurationAdmin.getConfiguration(PID, "?").update(properties);

        await("the configured kinfo file", () -> Files.exists(other));
        assertRecordFollowsTheZones(other);
        assertEquals("itest build", record(other).buildInfo());
        assertEquals(8192, Files.size(other));
        assertNoAddressIn(directory.resolve("kinfo"));

        minidump = installer.installBundle(Fixture.embedded("backend-minidump"), false);
        minidump.start();
        assertNotNull(minidumpBackend.waitForService(Fixture.PATIENCE.toMillis()), "the minidump backend service");
        assertEquals("kinfo", Fixture.activeBackend(registry), "150 outranks the minidump backend's 100");
        assertRecordFollowsTheZones(other);
    }
}
