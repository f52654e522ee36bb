package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KinfoRecord;
import org.kmemdump.format.LittleEndian;

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

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
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

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
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

            assertEquals(ExitCode.OK.code(), inspect.exitCode(), inspect.toString());
            assertTrue(inspect.out().contains("table:     not dumpable: ") && inspect.out().contains("apss status is 0"), inspect.toString());
            assertTrue(inspect.out().contains("sources:   the minidump table is not dumpable: the arena's zone directory was used (7 zones)"),
                    inspect.toString());
            assertTrue(inspect.out().matches("(?s).*\n +50  page +0x[0-9a-f]{16} +4096  arena \\(directory\\)  ok\n.*"), inspect.toString());
            assertEquals("", inspect.err(), inspect.toString());
            assertEquals(ExitCode.OK.code(), collect.exitCode(), collect.toString());
            assertTrue(collect.out().contains("sources: the minidump table is not dumpable: the arena's zone directory was used"), collect.toString());

            ArenaFile.cleanShutdown(fixture.arena()); // a clean stop: nothing to collect, and the message says so
            CollectorRun clean = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());
            assertEquals(ExitCode.BAD_INPUT.code(), clean.exitCode(), clean.toString());
            assertTrue(clean.err().contains("smem: apss status is 0, the reader requires 1: the table is not dumpable"
                    + " (its owner shut down cleanly: there is no crash to collect)"), clean.toString());
            CollectorRun cleanInspect = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.BAD_INPUT.code(), cleanInspect.exitCode(), cleanInspect.toString());
            assertTrue(cleanInspect.out().contains("sources:   nothing to collect: ") && cleanInspect.out().contains("(no valid regions)"),
                    cleanInspect.toString());
            assertEquals(1, cleanInspect.err().lines().count(), cleanInspect.toString());
        }
    }

    @Test
    void kinfoText() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            fixture.logRing(4096);
            KinfoRecord kinfo = fixture.kinfo("kmemdump-0.1.0 java-25-test");
            Path path = fixture.directory().resolve("kinfo");
            String log = String.format("0x%x (4096 bytes)", fixture.zone(7).address());
            String elf = String.format("0x%x (%d bytes)", fixture.zone(1).address(), fixture.zone(1).memory().byteSize());
            CollectorRun run = CollectorRun.of("inspect", fixture.directory().toString());

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            int checksum = fixture.kinfoArea().get(LittleEndian.U32, KinfoRecord.COMBINED_CHECKSUM);
            int extension = fixture.kinfoArea().get(LittleEndian.U32, KinfoRecord.EXT_CHECKSUM);
            assertTrue(run.out().contains("\nkinfo:     " + path + ": valid\n"
                    + "           magic_number 0xcceeddff (holds), combined_checksum 0x" + Integer.toHexString(checksum) + " (holds)\n"
                    + "           JVM extension: magic 0x4d564a4b, version 1, length 80 (holds), checksum 0x" + Integer.toHexString(extension)
                    + " (holds)\n"
                    + "           last_uts_release 'kmemdump-0.1.0 java-25-test', build_info 'collector test build', thread_size 1048576\n"
                    + "           log ring:     " + log + ", in the arena\n"
                    + "           ELF:          " + elf + ", in the arena\n"), run.toString());
            assertTrue(run.out().contains("\n           bundle table: none\nzones:     "), run.toString());
            assertEquals("", run.err(), run.toString());

            kinfo.bundles(new KinfoRecord.Pointer(0x1000, 64)); // valid record, a pointer outside the arena: a defect
            run = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("           bundle table: 0x1000 (64 bytes), not in the arena\n"), run.toString());
            assertEquals("kmemdump-collector: " + path + ": the JVM extension's bundle table pointer 0x1000 (64 bytes) is not in the arena's"
                    + " zone area\n", run.err(), run.toString());

            fixture.kinfoArea().set(ValueLayout.JAVA_BYTE, KinfoRecord.THREAD_SIZE, (byte) 7); // the checksum no longer holds
            run = CollectorRun.of("inspect", fixture.directory().toString());
            int computed = KinfoRecord.infoChecksum(fixture.kinfoArea());
            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("\nkinfo:     not valid: " + path + ": "), run.toString());
            assertTrue(run.out().contains(" (does not hold: the record sums to 0x" + Integer.toHexString(computed) + ")\n"), run.toString());
            assertFalse(run.out().contains("last_uts_release") || run.out().contains("log ring:"), "nothing of an invalid record as if valid\n" + run);
            assertTrue(run.err().contains(path + ": combined_checksum is 0x") && run.err().contains("it was torn or corrupted"), run.toString());
            assertEquals(1, run.err().lines().count(), run.toString());

            try (java.nio.channels.FileChannel file = java.nio.channels.FileChannel.open(path, java.nio.file.StandardOpenOption.WRITE)) {
                file.truncate(100);
            }
            run = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("\nkinfo:     not valid: " + path + ": truncated: 100 bytes, the kinfo records need 552\nzones:"),
                    run.toString());

            Files.delete(path);
            run = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("\nkinfo:     none (" + path + ": missing)\nzones:"), run.toString());
        }
    }

    @Test
    void kinfoJson() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.self()).standardZones()) {
            CollectorRun none = CollectorRun.of("inspect", fixture.directory().toString(), "--json");
            Map<?, ?> missing = (Map<?, ?>) ((Map<?, ?>) MiniJson.parse(none.out())).get("kinfo");
            assertEquals(false, missing.get("found"), none.toString());
            assertEquals(false, missing.get("valid"), none.toString());
            assertEquals(null, missing.get("checks"), none.toString());
            assertEquals(null, missing.get("pointers"), none.toString());

            fixture.logRing(4096);
            fixture.kinfo("kmemdump-0.1.0 java-25-test");
            CollectorRun run = CollectorRun.of("inspect", fixture.directory().toString(), "--json");
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            Map<?, ?> kinfo = (Map<?, ?>) ((Map<?, ?>) MiniJson.parse(run.out())).get("kinfo");
            assertEquals(fixture.directory().resolve("kinfo").toString(), kinfo.get("path"));
            assertEquals(true, kinfo.get("found"));
            assertEquals(true, kinfo.get("valid"));
            assertEquals(null, kinfo.get("problem"));
            Map<?, ?> checks = (Map<?, ?>) kinfo.get("checks");
            assertEquals("0xcceeddff", checks.get("magicNumber"));
            assertEquals(true, checks.get("magicHolds"));
            assertEquals(checks.get("combinedChecksum"), checks.get("combinedChecksumComputed"));
            assertEquals(true, checks.get("combinedChecksumHolds"));
            assertEquals("0x4d564a4b", checks.get("extensionMagic"));
            assertEquals(1L, checks.get("extensionVersion"));
            assertEquals(80L, checks.get("extensionLength"));
            assertEquals(true, checks.get("extensionChecksumHolds"));
            assertEquals("kmemdump-0.1.0 java-25-test", kinfo.get("lastUtsRelease"));
            assertEquals("collector test build", kinfo.get("buildInfo"));
            assertEquals(1L << 20, kinfo.get("threadSize"));
            Map<?, ?> pointers = (Map<?, ?>) kinfo.get("pointers");
            assertEquals(List.of("log", "elf", "vmcoreinfo", "bundles"), List.copyOf(pointers.keySet()));
            Map<?, ?> log = (Map<?, ?>) pointers.get("log");
            assertEquals("0x" + Long.toHexString(fixture.zone(7).address()), log.get("address"));
            assertEquals(4096L, log.get("size"));
            assertEquals(true, log.get("inArena"));
            assertEquals("in the arena", log.get("where"));
            Map<?, ?> bundles = (Map<?, ?>) pointers.get("bundles");
            assertEquals(false, bundles.get("inArena"));
            assertEquals("none", bundles.get("where"));

            fixture.kinfoArea().set(LittleEndian.U32, KinfoRecord.EXT_CHECKSUM, 0x12345678);
            run = CollectorRun.of("inspect", fixture.directory().toString(), "--json");
            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            kinfo = (Map<?, ?>) ((Map<?, ?>) MiniJson.parse(run.out())).get("kinfo");
            assertEquals(false, kinfo.get("valid"));
            assertTrue(((String) kinfo.get("problem")).contains("the JVM extension's checksum is 0x12345678 but it sums to 0x"), run.toString());
            checks = (Map<?, ?>) kinfo.get("checks");
            assertEquals(true, checks.get("combinedChecksumHolds"));
            assertEquals("0x12345678", checks.get("extensionChecksum"));
            assertEquals(false, checks.get("extensionChecksumHolds"));
            assertEquals(null, kinfo.get("lastUtsRelease"));
            assertEquals(null, kinfo.get("pointers"));
        }
    }

}
