package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.SmemFile;
import org.kmemdump.format.ZoneDirectory;

/**
 * The arena's zone directory as a source of regions: the runtime's zones (ids 1 to 6) and a
 * bundle's arena zone are collected after a kill whatever backend was active: with no smem at all
 * (the default backend), with a table disabled or emptied by a backend swapped away, with a table
 * that holds a subset, or a corrupt one. The directory entries are the ones the runtime writes;
 * entries no runtime writes are invisible or ignored, never believed, and a VMCOREINFO text torn by
 * a kill costs the runtime's headers, never a zone.
 */
class ArenaDirectoryTest {
    private static final String BANNER = "kmemdump collector test banner";
    private static final String STATE = "last known state of a bundle";
    /** The runtime's zones and one bundle zone: ids 1 to 6 and 49. */
    private static final int ZONES = 7;
    private static final int BUNDLE_ZONE = KnownZones.NO_ID;
    private static final String ONLY_IN_DIRECTORY = "arena (directory)";

    @TempDir
    Path temp;

    /** The zones the runtime registers itself, then a bundle's {@code registry.allocate("mystate", ...)}. */
    private static DumpFixture runtimeZones(DumpFixture fixture) {
        fixture.addArenaZone(KnownZones.CONFIG, "config", DumpFixture.cString("java.vm.name=test\nos.arch=amd64\n"));
        fixture.addArenaZone(KnownZones.RELEASE, "release", DumpFixture.cString("kmemdump-0.1.0 java-25-test"));
        fixture.addArenaZone(KnownZones.BANNER, "banner", DumpFixture.cString(BANNER));
        fixture.addArenaZone(KnownZones.BUNDLES, "bundles", DumpFixture.cString("0 ACTIVE org.apache.felix.framework 7.0.5\n"));
        fixture.addArenaZone(BUNDLE_ZONE, "mystate", DumpFixture.cString(STATE));
        return fixture;
    }

    @Test
    void noSmemAtAll() throws Exception {
        try (DumpFixture fixture = runtimeZones(DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            Path smem = fixture.directory().resolve(SmemFile.FILE_NAME);
            Path core = temp.resolve("core.elf");
            Path bins = temp.resolve("bins");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString(), "--bins", bins.toString());

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertEquals("", run.err(), run.toString());
            assertTrue(run.out().contains("sources: no minidump table found (" + smem + ": missing): the arena's zone directory was used ("
                    + ZONES + " zones)"), run.toString());
            assertTrue(run.out().contains("headers: the runtime's coreimage"), run.toString());
            assertEquals(ZONES, ReportRows.count(run.out(), ONLY_IN_DIRECTORY, "ok"), run.toString());
            assertArrayEquals(fixture.concatenation(), CoreSegments.zonesOf(core));
            assertReadByTheTools(fixture, core);
            for (DumpFixture.Zone zone : fixture.zones()) {
                assertArrayEquals(Arrays.copyOf(zone.bytes(), (int) Elf64.align4(zone.memory().byteSize())),
                        Files.readAllBytes(bins.resolve("md_" + zone.name() + ".BIN")), zone.name());
            }

            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.OK.code(), inspect.exitCode(), inspect.toString());
            assertTrue(inspect.out().contains("backend:   " + DumpFixture.DEFAULT_BACKEND), inspect.toString());
            assertTrue(inspect.out().contains("table:     not found (" + smem + ": missing)"), inspect.toString());
            assertTrue(inspect.out().contains("sources:   no minidump table found"), inspect.toString());
            assertTrue(inspect.out().contains("\nzones:     " + ZONES + " listed in the arena's zone directory\n"), inspect.toString());
            assertTrue(inspect.out().contains("minidump table: none (" + smem + ": missing)"), inspect.toString());
            assertEquals(ZONES, ReportRows.count(inspect.out(), ONLY_IN_DIRECTORY, "ok"), inspect.toString());

            Map<?, ?> json = (Map<?, ?>) MiniJson.parse(CollectorRun.of("inspect", fixture.directory().toString(), "--json").out());
            Map<?, ?> sources = (Map<?, ?>) json.get("sources");
            assertEquals("not found", sources.get("table"));
            assertEquals(true, sources.get("directoryUsed"));
            assertEquals((long) ZONES, sources.get("onlyInDirectory"));
            assertEquals((long) ZONES, ((Map<?, ?>) json.get("zoneDirectory")).get("zonesListed"));
            assertEquals(null, json.get("table"));
            for (Object region : (List<?>) json.get("regions")) {
                assertEquals("directory", ((Map<?, ?>) region).get("listedBy"));
                assertEquals(ONLY_IN_DIRECTORY, ((Map<?, ?>) region).get("source"));
            }
        }
    }

    /** A minidump backend that stopped (disabled) or was swapped away (every region removed, still enabled). */
    @Test
    void disabledOrEmptiedTable() throws Exception {
        for (boolean disable : new boolean[] {true, false}) {
            Path directory = temp.resolve(disable ? "disabled" : "emptied");
            try (DumpFixture fixture = runtimeZones(DumpFixture.withCoreimage(directory, DumpFixture.Owner.dead()))) {
                if (disable) {
                    fixture.table().disableApss();
                } else {
                    for (DumpFixture.Zone zone : fixture.zones()) {
                        fixture.removeFromTable(zone.id());
                    }
                }
                Path core = temp.resolve((disable ? "disabled" : "emptied") + ".elf");
                CollectorRun run = CollectorRun.of("collect", directory.toString(), "-o", core.toString());

                assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
                assertTrue(run.out().contains(disable
                        ? "sources: the minidump table is not dumpable: the arena's zone directory was used (7 zones)"
                        : "sources: the minidump table (0 regions) and the arena's zone directory (7 zones only it lists)"), run.toString());
                assertEquals(ZONES, ReportRows.count(run.out(), ONLY_IN_DIRECTORY, "ok"), run.toString());
                assertArrayEquals(fixture.concatenation(), CoreSegments.zonesOf(core));
                assertReadByTheTools(fixture, core);
            }
        }
    }

    @Test
    void tableWithASubsetIsCompletedFromTheDirectory() throws Exception {
        try (DumpFixture fixture = runtimeZones(DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            fixture.removeFromTable(BUNDLE_ZONE).removeFromTable(KnownZones.BANNER);
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("sources: the minidump table (5 regions) and the arena's zone directory (2 zones only it lists)"),
                    run.toString());
            assertTrue(run.out().matches("(?s).*\n +5  banner .* arena \\(directory\\)  ok\n.*"), run.toString());
            assertTrue(run.out().matches("(?s).*\n +49  mystate .* arena \\(directory\\)  ok\n.*"), run.toString());
            assertTrue(run.out().matches("(?s).*\n +6  bundles .* arena +ok\n.*"), run.toString());
            assertTrue(run.out().contains("headers: the runtime's coreimage"), run.toString());
            assertArrayEquals(fixture.concatenation(), CoreSegments.zonesOf(core));
            assertReadByTheTools(fixture, core);

            Map<?, ?> json = (Map<?, ?>) MiniJson.parse(CollectorRun.of("inspect", fixture.directory().toString(), "--json").out());
            List<?> regions = (List<?>) json.get("regions");
            assertEquals(ZONES, regions.size());
            for (Object each : regions) {
                Map<?, ?> region = (Map<?, ?>) each;
                boolean onlyInDirectory = Set.of((long) BUNDLE_ZONE, (long) KnownZones.BANNER).contains(region.get("id"));
                assertEquals(onlyInDirectory ? "directory" : "both", region.get("listedBy"), region.toString());
            }
        }
    }

    /** exit 1: the table is named on the one error line, and the directory stood in for it. */
    @Test
    void corruptSmemFallsBackOnTheDirectory() throws Exception {
        try (DumpFixture fixture = runtimeZones(DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            fixture.smem().set(ValueLayout.JAVA_LONG_UNALIGNED, SmemFile.MAGIC_FIELD, 0x1122334455667788L);
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertEquals(1, run.err().lines().count(), run.toString());
            assertTrue(run.err().contains("smem: magic is 0x1122334455667788, not a kmemdump SMEM file: the minidump table was ignored,"
                    + " the arena's zone directory used instead"), run.toString());
            assertFalse(run.err().contains("regions lost"), run.toString());
            assertTrue(run.out().contains("sources: the minidump table is corrupt and was ignored: the arena's zone directory was used"),
                    run.toString());
            assertArrayEquals(fixture.concatenation(), CoreSegments.zonesOf(core));
            Tools.readelf(core);

            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.INCOMPLETE.code(), inspect.exitCode(), inspect.toString());
            assertTrue(inspect.out().contains("table:     corrupt, ignored: ") && inspect.out().contains("minidump table: none ("),
                    inspect.toString());
            assertEquals(ZONES, ReportRows.count(inspect.out(), ONLY_IN_DIRECTORY, "ok"), inspect.toString());
        }
    }

    @Test
    void neitherTableNorDirectory() throws Exception {
        try (DumpFixture fixture = DumpFixture.withoutCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            Files.delete(fixture.directory().resolve(SmemFile.FILE_NAME));
            String expected = fixture.directory().resolve(SmemFile.FILE_NAME) + ": missing: no minidump table, and the arena's zone"
                    + " directory cannot stand in: " + fixture.directory().resolve(ArenaFile.FILE_NAME) + ": the zone directory lists no zone";
            CollectorRun collect = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());
            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());

            for (CollectorRun run : List.of(collect, inspect)) {
                assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
                assertEquals(1, run.err().lines().count(), run.toString());
                assertTrue(run.err().contains(expected), run.toString());
            }
            assertFalse(Files.exists(temp.resolve("core.elf")));
        }
    }

    @Test
    void cleanShutdownWithoutTableHasNothingToCollect() throws Exception {
        try (DumpFixture fixture = runtimeZones(DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            ArenaFile.cleanShutdown(fixture.arena());
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());

            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains("smem: missing: no minidump table (its owner shut down cleanly: there is no crash to collect)"),
                    run.toString());
        }
    }

    /** A zone outside the arena that only the directory lists: read through /proc while its owner lives, lost after. */
    @Test
    void processZoneOnlyTheDirectoryLists() throws Exception {
        byte[] text = DumpFixture.cString("native zone, default backend");
        try (Arena elsewhere = Arena.ofShared();
                DumpFixture alive = runtimeZones(DumpFixture.arenaOnly(temp.resolve("alive"), DumpFixture.Owner.self()));
                DumpFixture dead = runtimeZones(DumpFixture.arenaOnly(temp.resolve("dead"), DumpFixture.Owner.dead()))) {
            MemorySegment memory = elsewhere.allocate(32).copyFrom(MemorySegment.ofArray(text));
            alive.addProcessZone(KnownZones.USER_END, "native", memory);
            dead.addProcessZone(KnownZones.USER_END, "native", memory);
            Path core = temp.resolve("alive.elf");
            CollectorRun read = CollectorRun.of("collect", alive.directory().toString(), "-o", core.toString());
            CollectorRun lost = CollectorRun.of("collect", dead.directory().toString(), "-o", temp.resolve("dead.elf").toString());

            assertEquals(ExitCode.OK.code(), read.exitCode(), read.toString());
            assertTrue(read.out().matches("(?s).*\n +48  native .* process \\(directory\\)  ok\n.*"), read.toString());
            assertArrayEquals(alive.concatenation(), CoreSegments.zonesOf(core));
            assertTrue(Tools.gdbString(core, memory.address()).contains("\"native zone, default backend\""));
            assertEquals(ExitCode.INCOMPLETE.code(), lost.exitCode(), lost.toString());
            assertTrue(lost.out().matches("(?s).*\n +48  native .* - \\(directory\\) +lost: not in the arena file, and process gone.*"),
                    lost.toString());
            assertTrue(lost.err().contains("1 of 8 regions lost or refused"), lost.toString());
        }
    }

    /** Without a readable ELF zone nothing vouches for a zone outside the arena of a dead owner: it is noted lost, with no row. */
    @Test
    void corruptElfZoneVouchesForNothing() throws Exception {
        try (Arena elsewhere = Arena.ofShared();
                DumpFixture fixture = runtimeZones(DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            MemorySegment native16 = elsewhere.allocate(16);
            fixture.addProcessZone(KnownZones.USER_END, "native", native16);
            fixture.zone(KnownZones.ELF).memory().set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());
            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertEquals(ZONES, ReportRows.count(run.out(), ONLY_IN_DIRECTORY, "ok"), run.toString());
            assertFalse(run.out().matches("(?s).*\n +48  native .*"), run.toString());
            assertTrue(run.out().contains("note: the zone directory lists zone 48 'native' at " + Sizes.hex(native16.address())
                    + " (16 bytes) outside the arena, its owner is gone and the ELF zone has no PT_LOAD for it: lost\n"), run.toString());
            assertTrue(run.out().contains("headers: synthesized (the ELF zone does not match the regions: no little-endian ELF64 magic)"),
                    run.toString());
            assertTrue(run.err().contains("1 zone directory entry not used (see the notes)"), run.toString());
            assertTrue(inspect.out().contains("; no PT_LOAD vouches for a zone: the ELF zone is no core header: no little-endian ELF64 magic"),
                    inspect.toString());
        }
    }

    /**
     * Entries no runtime writes: inconsistent ones are invisible; consistent ones outside the arena
     * that nothing vouches for are noted lost, a coreimage entry the arena header contradicts is
     * ignored (the header's zone is collected); each is a note (exit 1), every zone still collected.
     */
    @Test
    void entriesNoRuntimeWritesAreInvisibleOrIgnored() throws Exception {
        try (DumpFixture fixture = runtimeZones(DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            long inArena = fixture.zone(KnownZones.CONFIG).address();
            rawEntry(fixture, 52, "wrongid", 53, ZoneDirectory.VALID, inArena, 8);
            rawEntry(fixture, 53, "bad name", 53, ZoneDirectory.VALID, inArena, 8);
            rawEntry(fixture, 54, "sixteen-letters!", 54, ZoneDirectory.VALID, inArena, 8);
            rawEntry(fixture, 55, "nosize", 55, ZoneDirectory.VALID, inArena, 0);
            rawEntry(fixture, 56, "notvalid", 56, ZoneDirectory.VALID ^ 1, inArena, 8);
            rawEntry(fixture, 57, "negative", 57, ZoneDirectory.VALID, inArena, -8);
            rawEntry(fixture, 58, "", 58, ZoneDirectory.VALID, inArena, 8);
            fixture.zoneDirectory().set(60, "noaddress", 0, 8);
            fixture.zoneDirectory().set(61, "wraps", 0xfffffffffffffff0L, 64);
            fixture.zoneDirectory().set(62, "outside", 0x1000, 64);
            DumpFixture.Zone elf = fixture.zone(KnownZones.ELF);
            fixture.zoneDirectory().set(KnownZones.ELF, "ELF", elf.address() + 8, elf.memory().byteSize());
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertEquals(1, run.err().lines().count(), run.toString());
            assertTrue(run.err().contains("4 zone directory entries not used (see the notes)"), run.toString());
            assertEquals(fixture.zones().stream().map(DumpFixture.Zone::name).toList(),
                    ReportRows.of(run.out()).stream().map(ReportRows.Row::name).toList(), run.toString());
            assertEquals(ZONES, ReportRows.count(run.out(), ONLY_IN_DIRECTORY, "ok"), run.toString());
            assertTrue(run.out().contains("note: the zone directory lists zone 60 'noaddress' at 0x0 (8 bytes) outside the"
                    + " arena, its owner is gone and the ELF zone has no PT_LOAD for it: lost"), run.toString());
            assertTrue(run.out().contains("note: the zone directory lists zone 61 'wraps' at 0xfffffffffffffff0 (64 bytes) outside"),
                    run.toString());
            assertTrue(run.out().contains("note: the zone directory lists zone 62 'outside' at 0x1000 (64 bytes) outside"),
                    run.toString());
            assertTrue(run.out().contains("note: the zone directory lists zone 1 'ELF' at " + Sizes.hex(elf.address() + 8) + " ("
                    + elf.memory().byteSize() + " bytes), which disagrees with the arena header's ELF zone (" + Sizes.hex(elf.address())
                    + ", " + elf.memory().byteSize() + " bytes): ignored"), run.toString());
            assertTrue(run.out().contains("headers: the runtime's coreimage"), run.toString()); // the zones collected are the ELF zone's
            assertArrayEquals(fixture.concatenation(), CoreSegments.zonesOf(core));
            Tools.readelf(core);

            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.INCOMPLETE.code(), inspect.exitCode(), inspect.toString());
            assertTrue(inspect.out().contains("\nzones:     10 listed in the arena's zone directory, 1 entry ignored\n"), inspect.toString());
        }
    }

    /** Both list zone 49, the directory under another name: the table's region is collected, the entry reported, never believed. */
    @Test
    void nameTheTableDisagreesWith() throws Exception {
        try (DumpFixture fixture = runtimeZones(DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            DumpFixture.Zone state = fixture.zone(BUNDLE_ZONE);
            fixture.zoneDirectory().set(BUNDLE_ZONE, "impostor", state.address(), state.memory().byteSize());
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().matches("(?s).*\n +49  mystate .* arena +ok\n.*"), run.toString());
            assertFalse(run.out().matches("(?s).*\n +[0-9]+  impostor .*"), run.toString());
            assertTrue(run.out().contains("note: the zone directory lists zone 49 'impostor' at " + Sizes.hex(state.address()) + " ("
                    + state.memory().byteSize() + " bytes), the table has 'mystate' at " + Sizes.hex(state.address()) + " ("
                    + Elf64.align4(state.memory().byteSize()) + " bytes): the table's region is collected"), run.toString());
            assertTrue(run.out().contains("headers: the runtime's coreimage"), run.toString()); // the text lists the table's mystate
            assertTrue(run.err().contains("1 zone directory entry not used (see the notes)"), run.toString());
            assertArrayEquals(fixture.concatenation(), CoreSegments.zonesOf(core));

            Map<?, ?> json = (Map<?, ?>) MiniJson.parse(CollectorRun.of("inspect", fixture.directory().toString(), "--json").out());
            for (Object each : (List<?>) json.get("regions")) {
                Map<?, ?> region = (Map<?, ?>) each;
                assertEquals(region.get("id").equals((long) BUNDLE_ZONE) ? "table" : "both", region.get("listedBy"), region.toString());
            }
        }
    }

    /**
     * A kill in the middle of the runtime's rewrite of the VMCOREINFO text, which the runtime does
     * after the directory entry: the text is the start of the new text over the rest of the old
     * one, cut at every byte, and the ELF zone still the old one. Registering (the entry there) and
     * unregistering (the entry gone) alike. Every zone the directory lists is collected at every
     * cut, nothing else; only the headers are built here instead.
     */
    @Test
    void tornVmcoreinfoTextCostsOnlyTheHeaders() throws Exception {
        try (DumpFixture fixture = runtimeZones(DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            String before = fixture.vmcoreinfoText();
            byte[] elfBefore = fixture.elfZone();
            int late = 20;
            fixture.addArenaZone(late, "late", DumpFixture.cString("registered while the runtime was killed"));
            String after = fixture.vmcoreinfoText();
            byte[] elfAfter = fixture.elfZone();
            assertTrue(after.length() > before.length());

            torn(fixture, before, after, elfBefore, fixture.zones());  // registering zone 20
            fixture.zoneDirectory().clear(late);
            torn(fixture, after, before, elfAfter, fixture.zones().stream().filter(zone -> zone.id() != late).toList()); // unregistering it
        }
    }

    private void torn(DumpFixture fixture, String old, String now, byte[] oldElf, List<DumpFixture.Zone> listed) {
        fixture.elfZone(oldElf);
        Path core = temp.resolve("torn.elf");
        for (int cut = 0; cut <= now.length(); cut++) {
            String text = now.substring(0, cut) + (cut < old.length() ? old.substring(cut) : "");
            fixture.vmcoreinfoText(text);
            String what = "cut at " + cut + ":\n" + text;
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.OK.code(), run.exitCode(), what + "\n" + run);
            assertEquals("", run.err(), what + "\n" + run);
            assertTrue(run.out().contains("headers: synthesized ("), what + "\n" + run);
            List<ReportRows.Row> expected = listed.stream().map(zone -> new ReportRows.Row(zone.id(), zone.name(), zone.address(),
                    Elf64.align4(zone.memory().byteSize()), ONLY_IN_DIRECTORY, "ok")).toList();
            assertEquals(expected, ReportRows.of(run.out()), what + "\n" + run);
        }
    }

    /** Writes entry {@code index} of the directory field by field, whatever the values. */
    private static void rawEntry(DumpFixture fixture, int index, String name, int id, int valid, long address, long size) {
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
        MemorySegment entry = fixture.arena().asSlice(DumpFixture.directoryEntry(index), ZoneDirectory.ENTRY_SIZE).fill((byte) 0);
        MemorySegment.copy(name.getBytes(StandardCharsets.US_ASCII), 0, entry, ValueLayout.JAVA_BYTE, ZoneDirectory.NAME, name.length());
        entry.set(u32, ZoneDirectory.ID, id);
        entry.set(u64, ZoneDirectory.ADDRESS, address);
        entry.set(u64, ZoneDirectory.SIZE, size);
        entry.set(u32, ZoneDirectory.VALID_FIELD, valid);
    }

    private static void assertReadByTheTools(DumpFixture fixture, Path core) throws Exception {
        String readelf = Tools.readelf(core);
        assertTrue(readelf.contains("VMCOREINFO") && readelf.contains("NT_PRSTATUS"), readelf);
        assertEquals(fixture.zones().size() - 2, readelf.lines().filter(line -> line.strip().startsWith("LOAD")).count(), readelf);
        assertTrue(Tools.gdbString(core, fixture.zone(KnownZones.BANNER).address()).contains('"' + BANNER + '"'));
        assertTrue(Tools.gdbString(core, fixture.zone(BUNDLE_ZONE).address()).contains('"' + STATE + '"'));
    }
}
