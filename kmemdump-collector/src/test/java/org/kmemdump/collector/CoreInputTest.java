package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ComponentsText;
import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.SnapshotBuffers;
import org.kmemdump.format.ThreadsSnapshot;

/**
 * A collected core read as its run's directory is: {@code log}, {@code threads}, {@code components}
 * and {@code inspect} on the core, and on a crash entry that holds only its core, print what they
 * print from the raw files; the core names every zone (readelf's notes, gdb's {@code info proc
 * mappings}) and a lost zone is reported as lost, never read as its zeros.
 */
class CoreInputTest {
    /** 2024-01-02T03:04:05.006Z */
    private static final long T0 = 1_704_164_645_006L;

    @TempDir
    Path temp;

    /** Standard zones, a log ring, threads and components snapshots, and zone 60 in memory that dies with the "owner". */
    private static DumpFixture run(DumpFixture fixture, MemorySegment elsewhere) {
        fixture.standardZones();
        LogRing ring = fixture.logRing(4096);
        ring.append(T0, 12, LogRing.Level.INFO, "org.example.app", "started", null);
        ring.append(T0 + 94, 13, LogRing.Level.ERROR, "org.example.db", "connection failed", "java.sql.SQLException: timeout");
        ThreadsSnapshot threads = fixture.threadsZone(ThreadsSnapshot.MIN_ZONE_SIZE);
        threads.write(new ThreadsSnapshot.Snapshot(0, T0, 1000, ThreadsSnapshot.Trigger.PERIODIC, List.of(), 0));
        SnapshotBuffers components = SnapshotBuffers.create(fixture.addArenaZone(KnownZones.COMPONENTS, KnownZones.COMPONENTS_NAME, 1024).memory(),
                SnapshotBuffers.Content.COMPONENTS);
        components.write(T0, ComponentsText.write(new ComponentsText.Components(List.of(), "", 0), components.capacity()));
        fixture.addProcessZone(60, "native", elsewhere);
        return fixture;
    }

    @Test
    void theRuntimesCoreimage() throws Exception {
        try (Arena memory = Arena.ofShared();
                DumpFixture fixture = run(DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()), memory.allocate(64))) {
            readsAsTheDirectory(fixture, "the runtime's coreimage");
        }
    }

    @Test
    void synthesizedHeaders() throws Exception {
        try (Arena memory = Arena.ofShared();
                DumpFixture fixture = run(DumpFixture.withoutCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()), memory.allocate(64))) {
            readsAsTheDirectory(fixture, "synthesized");
        }
    }

    private void readsAsTheDirectory(DumpFixture fixture, String headers) throws Exception {
        Path core = temp.resolve("core.elf");
        CollectorRun collect = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());
        assertEquals(ExitCode.INCOMPLETE.code(), collect.exitCode(), collect.toString());
        assertTrue(collect.out().contains("headers: " + headers), collect.toString());
        Path entry = Files.createDirectories(temp.resolve("crashes/20240102-030405-006-4242"));
        Files.copy(core, entry.resolve(CrashEntry.CORE));

        for (Path each : List.of(core, entry)) {
            CollectorRun log = CollectorRun.of("log", each.toString(), "-n", "10");
            assertEquals(ExitCode.OK.code(), log.exitCode(), log.toString());
            assertEquals(List.of("2024-01-02T03:04:05.006Z INFO  org.example.app [12] started",
                    "2024-01-02T03:04:05.100Z ERROR org.example.db [13] connection failed", "    java.sql.SQLException: timeout"),
                    log.out().lines().toList(), "the records, as from the raw files, from " + each);

            CollectorRun threads = CollectorRun.of("threads", each.toString());
            assertEquals(ExitCode.OK.code(), threads.exitCode(), threads.toString());
            assertTrue(threads.out().lines().toList().get(1).startsWith("snapshot 1 taken 2024-01-02T03:04:05.006Z"), threads.toString());

            CollectorRun components = CollectorRun.of("components", each.toString());
            assertEquals(ExitCode.OK.code(), components.exitCode(), components.toString());
            assertTrue(components.out().contains("snapshot 1 taken 2024-01-02T03:04:05.006Z"), components.toString());

            CollectorRun inspect = CollectorRun.of("inspect", each.toString());
            assertEquals(ExitCode.INCOMPLETE.code(), inspect.exitCode(), "zone 60 is lost\n" + inspect);
            assertTrue(inspect.out().matches("(?s).*\\n   60  native .* not in the core: lost: not in the arena file.*"), inspect.toString());
            assertTrue(inspect.out().matches("(?s).*\\n    7  log .* in the core\\n.*"), inspect.toString());
            assertTrue(inspect.out().contains("NT_FILE (" + fixture.zones().size() + " zones named), 1 zones listed missing"), inspect.toString());
            CollectorRun json = CollectorRun.of("inspect", each.toString(), "--json");
            assertTrue(MiniJson.parse(json.out()) != null && json.out().contains("\"id\":60,\"name\":\"native\""), json.toString());
        }

        String readelf = Tools.readelf(core);
        // binutils 2.40's readelf names NT_FILE but prints "Cannot decode 64-bit note in 32-bit build" for its entries: gdb reads them
        assertTrue(readelf.contains("NT_FILE (mapped files)") && readelf.contains("KMEMDUMP"), readelf);
        String mappings = Tools.gdbMappings(core);
        for (DumpFixture.Zone zone : fixture.zones()) {
            assertTrue(mappings.matches("(?s).*0x0*" + Long.toHexString(zone.address()) + " .*\\[kmemdump zone " + zone.id() + " "
                    + zone.name() + "\\].*"), zone.name() + " in\n" + mappings);
        }
    }
}
