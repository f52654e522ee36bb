package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.format.ArenaFile;

/** inspect: the owner, the arena header and every region with its source and outcome, as text and as JSON. */
class InspectTest {
    @TempDir
    Path temp;

    @Test
    void text() throws Exception {
        DumpFixture.Owner owner = DumpFixture.Owner.dead();
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), owner).standardZones();
                Arena elsewhere = Arena.ofShared()) {
            fixture.addProcessZone(60, "native", elsewhere.allocate(16));
            CollectorRun run = CollectorRun.of("inspect", fixture.directory().toString());

            assertEquals(ExitCode.INCOMPLETE, run.exitCode(), run.toString());
            assertTrue(run.out().contains("owner:     pid " + owner.pid() + ", dead (no process " + owner.pid() + ")"), run.toString());
            assertTrue(run.out().contains("backend:   " + DumpFixture.BACKEND), run.toString());
            assertTrue(run.out().contains("table:     dumpable"), run.toString());
            assertTrue(run.out().contains("heartbeat: ") && run.out().contains(" ms ago"), run.toString());
            assertTrue(run.out().matches("(?s).*\n +50  page +0x[0-9a-f]{16} +4096  arena +ok\n.*"), run.toString());
            assertTrue(run.out().contains("lost: not in the arena file, and process gone"), run.toString());
            assertTrue(run.out().contains("minidump table as stored:\nglobal toc: status=1"), run.toString());
            assertTrue(run.out().contains("seq=60  VALID"), run.toString());
        }
    }

    @Test
    void json() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.self()).standardZones()) {
            CollectorRun run = CollectorRun.of("inspect", fixture.directory().toString(), "--json");

            assertEquals(ExitCode.OK, run.exitCode(), run.toString());
            Map<?, ?> report = (Map<?, ?>) MiniJson.parse(run.out());
            Map<?, ?> owner = (Map<?, ?>) report.get("owner");
            assertEquals(ProcessHandle.current().pid(), owner.get("pid"));
            assertEquals("alive", owner.get("state"));
            assertEquals(DumpFixture.BACKEND, report.get("backend"));
            assertEquals(true, report.get("dumpable"));
            List<?> regions = (List<?>) report.get("regions");
            assertEquals(fixture.zones().size(), regions.size());
            for (int i = 0; i < regions.size(); i++) {
                Map<?, ?> region = (Map<?, ?>) regions.get(i);
                DumpFixture.Zone zone = fixture.zones().get(i);
                assertEquals((long) zone.id(), region.get("id"));
                assertEquals(zone.name(), region.get("name"));
                assertEquals("0x" + Long.toHexString(zone.address()), region.get("address"));
                assertEquals("arena", region.get("source"));
                assertEquals("ok", region.get("outcome"));
            }
            assertTrue(((String) report.get("table")).startsWith("global toc: status=1"));
        }
    }

    @Test
    void jsonEscapesNamesFromTheTable() throws Exception {
        try (DumpFixture fixture = DumpFixture.withoutCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead())) {
            MemorySegment spare = fixture.arena().asSlice(DumpFixture.ARENA_LENGTH - 64, 16);
            fixture.append(60, "q\"b\\n\nt\t\u0001", spare);
            CollectorRun run = CollectorRun.of("inspect", fixture.directory().toString(), "--json");

            Map<?, ?> report = (Map<?, ?>) MiniJson.parse(run.out());
            Map<?, ?> region = (Map<?, ?>) ((List<?>) report.get("regions")).get(0);
            assertEquals("q\"b\\n\nt\t\u0001", region.get("name"));
        }
    }

    @Test
    void disabledTableIsShownAndTheDirectoryStandsIn() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            fixture.table().disableApss(); // what the minidump backend does when it stops or is swapped away
            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());
            CollectorRun collect = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());

            assertEquals(ExitCode.OK, inspect.exitCode(), inspect.toString());
            assertTrue(inspect.out().contains("table:     not dumpable: ") && inspect.out().contains("apss status is 0"), inspect.toString());
            assertTrue(inspect.out().contains("sources:   the minidump table is not dumpable: the arena's zone directory was used (7 zones)"),
                    inspect.toString());
            assertTrue(inspect.out().matches("(?s).*\n +50  page +0x[0-9a-f]{16} +4096  arena \\(directory\\)  ok\n.*"), inspect.toString());
            assertEquals("", inspect.err(), inspect.toString());
            assertEquals(ExitCode.OK, collect.exitCode(), collect.toString());
            assertTrue(collect.out().contains("sources: the minidump table is not dumpable: the arena's zone directory was used"), collect.toString());

            ArenaFile.cleanShutdown(fixture.arena()); // a clean stop: nothing to collect, and the message says so
            CollectorRun clean = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());
            assertEquals(ExitCode.BAD_INPUT, clean.exitCode(), clean.toString());
            assertTrue(clean.err().contains("smem: apss status is 0, the reader requires 1: the table is not dumpable"
                    + " (its owner shut down cleanly: there is no crash to collect)"), clean.toString());
            CollectorRun cleanInspect = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.BAD_INPUT, cleanInspect.exitCode(), cleanInspect.toString());
            assertTrue(cleanInspect.out().contains("sources:   nothing to collect: ") && cleanInspect.out().contains("(no valid regions)"),
                    cleanInspect.toString());
            assertEquals(1, cleanInspect.err().lines().count(), cleanInspect.toString());
        }
    }
}
