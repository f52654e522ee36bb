package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.KnownZones;

/** collect on a directory whose coreimage zones match the table: the output is the zones, concatenated. */
class CollectCoreimageTest {
    @TempDir
    Path temp;

    @Test
    void outputIsTheCoreimageConcatenation() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("headers: the runtime's coreimage"), run.toString());
            assertArrayEquals(fixture.concatenation(), CoreSegments.zonesOf(core));
            assertEquals(OutputFile.OWNER_ONLY, Files.getPosixFilePermissions(core));
            try (var files = Files.list(temp)) {
                assertEquals(0, files.filter(file -> file.getFileName().toString().endsWith(".part")).count(), "temporary files left");
            }
        }
    }

    @Test
    void readelfAndGdbReadIt() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            Path core = temp.resolve("core.elf");
            assertEquals(ExitCode.OK.code(), CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString()).exitCode());

            String readelf = Tools.readelf(core);
            assertTrue(readelf.contains("VMCOREINFO"), readelf);
            assertTrue(readelf.contains("NT_PRSTATUS"), readelf);
            assertEquals(fixture.zones().size() - 2, readelf.lines().filter(line -> line.strip().startsWith("LOAD")).count(), readelf);
            String gdb = Tools.gdbString(core, fixture.zone(KnownZones.BANNER).address());
            assertTrue(gdb.contains("\"kmemdump collector test banner\""), gdb);
        }
    }

    @Test
    void aCrashEntryIsCollectedTheSameWay() throws Exception {
        Path previous = temp.resolve("dump").resolve(CrashEntry.CRASHES).resolve(CrashEntry.id(1_764_633_600_000L, 4242));
        try (DumpFixture fixture = DumpFixture.withCoreimage(previous, DumpFixture.Owner.dead()).standardZones()) {
            Path core = temp.resolve("previous.elf");
            CollectorRun run = CollectorRun.of("collect", previous.toString(), "-o", core.toString());

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertArrayEquals(fixture.concatenation(), CoreSegments.zonesOf(core));
        }
    }

    @Test
    void lostRegionStaysZerosAtItsOffset() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead());
                Arena elsewhere = Arena.ofShared()) {
            fixture.standardZones();
            MemorySegment memory = elsewhere.allocate(64);
            memory.fill((byte) 0x5a);
            fixture.addProcessZone(60, "native", memory);
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("headers: the runtime's coreimage"), run.toString());
            assertTrue(run.out().matches("(?s).*60  native .* -        lost: not in the arena file, and process gone: no process \\d+.*"), run.toString());
            assertTrue(run.err().contains("1 of 8 regions lost or refused"), run.toString());
            byte[] expected = fixture.concatenation();
            Arrays.fill(expected, expected.length - 64, expected.length, (byte) 0); // the last zone, id 60
            assertArrayEquals(expected, CoreSegments.zonesOf(core));
            Tools.readelf(core);
        }
    }
}
