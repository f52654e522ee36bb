package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.LittleEndian;

/** collect without usable coreimage zones: the collector writes the headers, and stock tools still read the core. */
class CollectSynthesizedTest {
    @TempDir
    Path temp;

    @Test
    void withoutCoreimageZones() throws Exception {
        try (DumpFixture fixture = DumpFixture.withoutCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            Path core = collect(fixture, ExitCode.OK.code(), "no coreimage zones (ids 1 and 2) among the regions");

            assertEveryZoneIsInItsLoad(fixture, core);
            String readelf = Tools.readelf(core);
            assertTrue(readelf.contains("VMCOREINFO") && readelf.contains("NT_PRSTATUS"), readelf);
            assertTrue(Tools.gdbString(core, fixture.zone(KnownZones.BANNER).address()).contains("\"kmemdump collector test banner\""));
        }
    }

    @Test
    void tableAheadOfItsCoreimage() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            byte[] text = DumpFixture.cString("registered after the last coreimage rewrite");
            var memory = fixture.arena().asSlice(DumpFixture.ARENA_LENGTH - 64, text.length);
            memory.copyFrom(java.lang.foreign.MemorySegment.ofArray(text));
            fixture.append(70, "late", memory);
            Path core = collect(fixture, ExitCode.OK.code(), "the ELF zone does not match the regions: 5 PT_LOADs for 6 regions");

            assertEveryZoneIsInItsLoad(fixture, core);
            Tools.readelf(core);
            assertTrue(Tools.gdbString(core, memory.address()).contains("\"registered after the last coreimage rewrite\""));
        }
    }

    @Test
    void corruptElfZone() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            fixture.zone(KnownZones.ELF).memory().set(LittleEndian.U16, Elf64.E_PHNUM, (short) 999);
            Path core = collect(fixture, ExitCode.OK.code(), "e_phnum is 999");

            assertEveryZoneIsInItsLoad(fixture, core);
            Tools.readelf(core);
            assertTrue(Tools.gdbString(core, fixture.zone(KnownZones.BANNER).address()).contains("\"kmemdump collector test banner\""));
        }
    }

    @Test
    void lostRegionHasNoSegment() throws Exception {
        try (DumpFixture fixture = DumpFixture.withoutCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones();
                var elsewhere = java.lang.foreign.Arena.ofShared()) {
            var memory = elsewhere.allocate(16);
            fixture.addProcessZone(60, "native", memory);
            Path core = collect(fixture, ExitCode.INCOMPLETE.code(), "no coreimage zones (ids 1 and 2) among the regions");

            CoreSegments segments = CoreSegments.of(Files.readAllBytes(core));
            assertEquals(fixture.zones().size() - 1, segments.loads().size());
            assertEquals(null, segments.at(memory.address()));
            assertTrue(Tools.readelf(core).contains("VMCOREINFO"));
            assertTrue(Tools.gdbString(core, memory.address()).contains("Cannot access memory"));
        }
    }

    private Path collect(DumpFixture fixture, int exitCode, String why) {
        Path core = temp.resolve("core.elf");
        CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());
        assertEquals(exitCode, run.exitCode(), run.toString());
        assertTrue(run.out().contains("headers: synthesized (") && run.out().contains(why), run.toString());
        return core;
    }

    private static void assertEveryZoneIsInItsLoad(DumpFixture fixture, Path core) throws Exception {
        CoreSegments segments = CoreSegments.of(Files.readAllBytes(core));
        assertEquals(fixture.zones().size(), segments.loads().size());
        for (DumpFixture.Zone zone : fixture.zones()) {
            byte[] padded = java.util.Arrays.copyOf(zone.bytes(), (int) Elf64.align4(zone.memory().byteSize()));
            assertArrayEquals(padded, segments.at(zone.address()), zone.name());
        }
    }
}
