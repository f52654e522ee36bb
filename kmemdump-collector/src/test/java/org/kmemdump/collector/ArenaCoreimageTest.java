package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.api.ZoneIds;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.SmemFile;

/**
 * The arena's coreimage as a source of regions: the runtime's zones (ids 1 to 6) and a bundle's
 * arena zone are collected after a kill whatever backend was active: with no smem at all (the
 * default backend), with a table disabled or emptied by a backend swapped away, with a table that
 * holds a subset, or a corrupt one. The VMCOREINFO text is the runtime's own (the real CoreImage
 * writes it); malformed, garbage and torn lines are ignored, never believed.
 */
class ArenaCoreimageTest {
    private static final String BANNER = "kmemdump collector test banner";
    private static final String STATE = "last known state of a bundle";
    /** The runtime's zones and one bundle zone: ids 1 to 6 and 49. */
    private static final int ZONES = 7;
    private static final int BUNDLE_ZONE = ZoneIds.NO_ID;

    @TempDir
    Path temp;

    /** The zones the runtime registers itself, then a bundle's {@code registry.allocate("mystate", ...)}. */
    private static DumpFixture runtimeZones(DumpFixture fixture) {
        fixture.addArenaZone(ZoneIds.CONFIG, "config", DumpFixture.cString("java.vm.name=test\nos.arch=amd64\n"));
        fixture.addArenaZone(ZoneIds.RELEASE, "release", DumpFixture.cString("kmemdump-0.1.0 java-25-test"));
        fixture.addArenaZone(ZoneIds.BANNER, "banner", DumpFixture.cString(BANNER));
        fixture.addArenaZone(ZoneIds.BUNDLES, "bundles", DumpFixture.cString("0 ACTIVE org.apache.felix.framework 7.0.5\n"));
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

            assertEquals(ExitCode.OK, run.exitCode(), run.toString());
            assertEquals("", run.err(), run.toString());
            assertTrue(run.out().contains("sources: no minidump table found (" + smem + ": missing): the arena's coreimage was used ("
                    + ZONES + " zones)"), run.toString());
            assertTrue(run.out().contains("headers: the runtime's coreimage"), run.toString());
            assertEquals(ZONES, rows(run.out(), "arena (coreimage)  ok"), run.toString());
            assertArrayEquals(fixture.concatenation(), Files.readAllBytes(core));
            assertReadByTheTools(fixture, core);
            for (DumpFixture.Zone zone : fixture.zones()) {
                assertArrayEquals(Arrays.copyOf(zone.bytes(), (int) Elf64.align4(zone.memory().byteSize())),
                        Files.readAllBytes(bins.resolve("md_" + zone.name() + ".BIN")), zone.name());
            }

            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.OK, inspect.exitCode(), inspect.toString());
            assertTrue(inspect.out().contains("backend:   " + DumpFixture.DEFAULT_BACKEND), inspect.toString());
            assertTrue(inspect.out().contains("table:     not found (" + smem + ": missing)"), inspect.toString());
            assertTrue(inspect.out().contains("sources:   no minidump table found"), inspect.toString());
            assertTrue(inspect.out().contains(": " + ZONES + " zones listed in VMCOREINFO\n"), inspect.toString());
            assertTrue(inspect.out().contains("minidump table: none (" + smem + ": missing)"), inspect.toString());
            assertEquals(ZONES, rows(inspect.out(), "arena (coreimage)  ok"), inspect.toString());

            Map<?, ?> json = (Map<?, ?>) MiniJson.parse(CollectorRun.of("inspect", fixture.directory().toString(), "--json").out());
            Map<?, ?> sources = (Map<?, ?>) json.get("sources");
            assertEquals("not found", sources.get("table"));
            assertEquals(true, sources.get("coreimageUsed"));
            assertEquals((long) ZONES, sources.get("onlyInCoreimage"));
            assertEquals(null, json.get("table"));
            for (Object region : (List<?>) json.get("regions")) {
                assertEquals("coreimage", ((Map<?, ?>) region).get("listedBy"));
                assertEquals("arena (coreimage)", ((Map<?, ?>) region).get("source"));
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

                assertEquals(ExitCode.OK, run.exitCode(), run.toString());
                assertTrue(run.out().contains(disable ? "sources: the minidump table is not dumpable: the arena's coreimage was used (7 zones)"
                        : "sources: the minidump table (0 regions) and the arena's coreimage (7 zones only it lists)"), run.toString());
                assertEquals(ZONES, rows(run.out(), "arena (coreimage)  ok"), run.toString());
                assertArrayEquals(fixture.concatenation(), Files.readAllBytes(core));
                assertReadByTheTools(fixture, core);
            }
        }
    }

    @Test
    void tableWithASubsetIsCompletedFromTheCoreimage() throws Exception {
        try (DumpFixture fixture = runtimeZones(DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            fixture.removeFromTable(BUNDLE_ZONE).removeFromTable(ZoneIds.BANNER);
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.OK, run.exitCode(), run.toString());
            assertTrue(run.out().contains("sources: the minidump table (5 regions) and the arena's coreimage (2 zones only it lists)"),
                    run.toString());
            assertTrue(run.out().matches("(?s).*\n +5  banner .* arena \\(coreimage\\)  ok\n.*"), run.toString());
            assertTrue(run.out().matches("(?s).*\n +49  mystate .* arena \\(coreimage\\)  ok\n.*"), run.toString());
            assertTrue(run.out().matches("(?s).*\n +6  bundles .* arena +ok\n.*"), run.toString());
            assertTrue(run.out().contains("headers: the runtime's coreimage"), run.toString());
            assertArrayEquals(fixture.concatenation(), Files.readAllBytes(core));
            assertReadByTheTools(fixture, core);

            Map<?, ?> json = (Map<?, ?>) MiniJson.parse(CollectorRun.of("inspect", fixture.directory().toString(), "--json").out());
            List<?> regions = (List<?>) json.get("regions");
            assertEquals(ZONES, regions.size());
            for (Object each : regions) {
                Map<?, ?> region = (Map<?, ?>) each;
                boolean onlyCoreimage = Set.of((long) BUNDLE_ZONE, (long) ZoneIds.BANNER).contains(region.get("id"));
                assertEquals(onlyCoreimage ? "coreimage" : "table", region.get("listedBy"), region.toString());
            }
        }
    }

    /** exit 1: the table is named on the one error line, and the coreimage stood in for it. */
    @Test
    void corruptSmemFallsBackOnTheCoreimage() throws Exception {
        try (DumpFixture fixture = runtimeZones(DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            fixture.smem().set(ValueLayout.JAVA_LONG_UNALIGNED, SmemFile.MAGIC_FIELD, 0x1122334455667788L);
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.INCOMPLETE, run.exitCode(), run.toString());
            assertEquals(1, run.err().lines().count(), run.toString());
            assertTrue(run.err().contains("smem: magic is 0x1122334455667788, not a kmemdump SMEM file: the minidump table was ignored,"
                    + " the arena's coreimage used instead"), run.toString());
            assertFalse(run.err().contains("regions lost"), run.toString());
            assertTrue(run.out().contains("sources: the minidump table is corrupt and was ignored: the arena's coreimage was used"),
                    run.toString());
            assertArrayEquals(fixture.concatenation(), Files.readAllBytes(core));
            Tools.readelf(core);

            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.INCOMPLETE, inspect.exitCode(), inspect.toString());
            assertTrue(inspect.out().contains("table:     corrupt, ignored: ") && inspect.out().contains("minidump table: none ("),
                    inspect.toString());
            assertEquals(ZONES, rows(inspect.out(), "arena (coreimage)  ok"), inspect.toString());
        }
    }

    @Test
    void neitherTableNorCoreimage() throws Exception {
        try (DumpFixture fixture = DumpFixture.withoutCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            Files.delete(fixture.directory().resolve(SmemFile.FILE_NAME));
            String expected = fixture.directory().resolve(SmemFile.FILE_NAME) + ": missing: no minidump table, and the arena's coreimage"
                    + " cannot stand in: " + fixture.directory().resolve(ArenaFile.FILE_NAME) + ": vmcoreinfo_address is 0";
            CollectorRun collect = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());
            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());

            for (CollectorRun run : List.of(collect, inspect)) {
                assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.toString());
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

            assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.toString());
            assertTrue(run.err().contains("smem: missing: no minidump table (its owner shut down cleanly: there is no crash to collect)"),
                    run.toString());
        }
    }

    /** A zone outside the arena that only the coreimage lists: read through /proc while its owner lives, lost after. */
    @Test
    void processZoneOnlyTheCoreimageLists() throws Exception {
        byte[] text = DumpFixture.cString("native zone, default backend");
        try (Arena elsewhere = Arena.ofShared();
                DumpFixture alive = runtimeZones(DumpFixture.arenaOnly(temp.resolve("alive"), DumpFixture.Owner.self()));
                DumpFixture dead = runtimeZones(DumpFixture.arenaOnly(temp.resolve("dead"), DumpFixture.Owner.dead()))) {
            MemorySegment memory = elsewhere.allocate(32).copyFrom(MemorySegment.ofArray(text));
            alive.addProcessZone(ZoneIds.USER_END, "native", memory);
            dead.addProcessZone(ZoneIds.USER_END, "native", memory);
            Path core = temp.resolve("alive.elf");
            CollectorRun read = CollectorRun.of("collect", alive.directory().toString(), "-o", core.toString());
            CollectorRun lost = CollectorRun.of("collect", dead.directory().toString(), "-o", temp.resolve("dead.elf").toString());

            assertEquals(ExitCode.OK, read.exitCode(), read.toString());
            assertTrue(read.out().matches("(?s).*\n +48  native .* process \\(coreimage\\)  ok\n.*"), read.toString());
            assertArrayEquals(alive.concatenation(), Files.readAllBytes(core));
            assertTrue(Tools.gdbString(core, memory.address()).contains("\"native zone, default backend\""));
            assertEquals(ExitCode.INCOMPLETE, lost.exitCode(), lost.toString());
            assertTrue(lost.out().matches("(?s).*\n +48  native .* - \\(coreimage\\) +lost: not in the arena file, and process gone.*"),
                    lost.toString());
            assertTrue(lost.err().contains("1 of 8 regions lost or refused"), lost.toString());
        }
    }

    /** Without a readable ELF zone nothing vouches for a zone outside the arena of a dead owner: it is ignored, not reported lost. */
    @Test
    void corruptElfZoneVouchesForNothing() throws Exception {
        try (Arena elsewhere = Arena.ofShared();
                DumpFixture fixture = runtimeZones(DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            fixture.addProcessZone(ZoneIds.USER_END, "native", elsewhere.allocate(16));
            fixture.zone(ZoneIds.ELF).memory().set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString());
            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());

            assertEquals(ExitCode.INCOMPLETE, run.exitCode(), run.toString());
            assertEquals(ZONES, rows(run.out(), "arena (coreimage)  ok"), run.toString());
            assertFalse(run.out().matches("(?s).*\n +48  native .*"), run.toString());
            assertTrue(run.out().contains("note: the VMCOREINFO zone lists ZONE(48)=native,"), run.toString());
            assertTrue(run.out().contains("headers: synthesized (the ELF zone does not match the regions: no little-endian ELF64 magic)"),
                    run.toString());
            assertTrue(run.err().contains("1 VMCOREINFO line not used (see the notes)"), run.toString());
            assertTrue(inspect.out().contains("; no PT_LOAD vouches for a zone: the ELF zone is no core header: no little-endian ELF64 magic"),
                    inspect.toString());
        }
    }

    /** Lines no runtime writes: ignored and listed as notes (exit 1), the good ones collected, nothing believed that is none. */
    @Test
    void malformedAndGarbageLinesAreIgnored() throws Exception {
        try (DumpFixture fixture = runtimeZones(DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            DumpFixture.Zone banner = fixture.zone(ZoneIds.BANNER);
            DumpFixture.Zone state = fixture.zone(BUNDLE_ZONE);
            long inArena = fixture.zone(ZoneIds.CONFIG).address();
            StringBuilder text = new StringBuilder();
            for (String line : fixture.vmcoreinfoText().split("\n")) {
                if (!line.startsWith("ZONE(" + BUNDLE_ZONE + ")=") && !line.startsWith("ZONE(" + ZoneIds.RELEASE + ")=")) {
                    text.append(line).append('\n');
                }
            }
            text.append("garbage \u0001\u00ff\u0085 line\n")
                    .append("ZONE(4)=release,0x").append(Long.toHexString(inArena)).append('\n')           // torn: no size
                    .append("ZONE(0)=zero,0x").append(Long.toHexString(inArena)).append(",4\n")            // id 0
                    .append("ZONE(201)=big,0x").append(Long.toHexString(inArena)).append(",4\n")           // id 201
                    .append("ZONE(052)=lead,0x").append(Long.toHexString(inArena)).append(",4\n")          // leading zero
                    .append("ZONE(53)=this-name-is-too-long,0x").append(Long.toHexString(inArena)).append(",4\n")
                    .append("ZONE(54)=bad/name,0x").append(Long.toHexString(inArena)).append(",4\n")
                    .append("ZONE(55)=nosize,0x").append(Long.toHexString(inArena)).append(",0\n")
                    .append("ZONE(56)=noaddress,0x0,4\n")
                    .append("ZONE(57)=wraps,0xfffffffffffffff0,64\n")
                    .append("ZONE(58)=huge,0x1000,99999999999999999999\n")
                    .append("ZONE(59)=outside,0x1000,64\n")                                             // outside, owner dead, no PT_LOAD
                    .append("ZONE(5)=again,0x").append(Long.toHexString(inArena)).append(",4\n")           // id 5 again: the first wins
                    .append("x".repeat(5000)).append('\n')
                    .append("ZONE(49)=mystate,0x").append(Long.toHexString(state.address())).append(',')
                    .append(state.memory().byteSize()).append('\n');
            fixture.vmcoreinfoText(text.toString());
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.INCOMPLETE, run.exitCode(), run.toString());
            assertEquals(1, run.err().lines().count(), run.toString());
            assertTrue(run.err().contains("VMCOREINFO lines not used (see the notes)"), run.toString());
            assertTrue(run.out().contains("headers: synthesized ("), run.toString()); // the ELF zone lists release, the text no longer
            Set<String> collected = Set.of("ELF", "VMCOREINFO", "config", "banner", "bundles", "mystate");
            assertEquals(collected.size(), rows(run.out(), "arena (coreimage)  ok"), run.toString());
            for (String name : List.of("zero", "big", "lead", "this-name-is-too-long", "bad/name", "nosize", "noaddress", "wraps", "huge", "again")) {
                assertFalse(run.out().matches("(?s).*\n +[0-9]+  " + Pattern.quote(name) + " .*"), name + ": " + run);
            }
            assertFalse(run.out().contains("  outside "), run.toString());
            assertTrue(run.out().contains("note: the VMCOREINFO zone lists ZONE(59)=outside,0x1000,64 outside the arena, its owner is gone"
                    + " and the ELF zone has no PT_LOAD for it: ignored as a line torn by a kill"), run.toString());
            assertTrue(run.out().contains("' is not a KEY=value line"), run.toString());
            assertTrue(run.out().contains("is not a well-formed ZONE(id)=name,0xaddress,size line"), run.toString());
            assertTrue(run.out().contains("more VMCOREINFO lines ignored"), run.toString());
            assertTrue(run.out().lines().allMatch(line -> line.length() < 400), "no line of garbage is printed whole");
            CoreSegments segments = CoreSegments.of(Files.readAllBytes(core));
            assertArrayEquals(Arrays.copyOf(banner.bytes(), (int) Elf64.align4(banner.memory().byteSize())), segments.at(banner.address()));
            assertArrayEquals(Arrays.copyOf(state.bytes(), (int) Elf64.align4(state.memory().byteSize())), segments.at(state.address()));
            Tools.readelf(core);
            assertTrue(Tools.gdbString(core, state.address()).contains('"' + STATE + '"'));

            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.INCOMPLETE, inspect.exitCode(), inspect.toString());
            assertTrue(inspect.out().matches("(?s).*coreimage: .*: [0-9]+ zones listed in VMCOREINFO, [0-9]+ lines ignored\n.*"),
                    inspect.toString());
        }
    }

    /** Both list zone 49 under different names: the table's region is collected, the coreimage line reported, never believed. */
    @Test
    void nameTheTableDisagreesWith() throws Exception {
        try (DumpFixture fixture = runtimeZones(DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            fixture.vmcoreinfoText(fixture.vmcoreinfoText().replace("ZONE(49)=mystate,", "ZONE(49)=impostor,"));
            Path core = temp.resolve("core.elf");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertEquals(ExitCode.INCOMPLETE, run.exitCode(), run.toString());
            assertTrue(run.out().matches("(?s).*\n +49  mystate .* arena +ok\n.*"), run.toString());
            assertFalse(run.out().matches("(?s).*\n +[0-9]+  impostor .*"), run.toString());
            assertTrue(run.out().contains("note: the VMCOREINFO zone lists ZONE(49)=impostor,"), run.toString());
            assertTrue(run.out().contains("the table names zone 49 'mystate': the table's region is collected"), run.toString());
            assertTrue(run.out().contains("headers: synthesized (the VMCOREINFO zone does not list the regions"), run.toString());
            assertTrue(run.err().contains("1 VMCOREINFO line not used (see the notes)"), run.toString());
            Tools.readelf(core);
        }
    }

    /**
     * A kill in the middle of the runtime's rewrite: the VMCOREINFO text is the start of the new
     * text over the rest of the old one, cut at every byte, and the ELF zone still the old one (it
     * is rewritten after the text). Registering (old shorter) and unregistering (old longer) alike.
     * Every zone whose line the new text holds whole before the cut is collected; nothing that is
     * no zone outside the arena is reported; every run ends cleanly.
     */
    @Test
    void tornRewriteAtEveryByte() throws Exception {
        try (DumpFixture fixture = runtimeZones(DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead()))) {
            String before = fixture.vmcoreinfoText();
            byte[] elfBefore = fixture.elfZone();
            fixture.addArenaZone(20, "late", DumpFixture.cString("registered while the runtime was killed"));
            String after = fixture.vmcoreinfoText();
            byte[] elfAfter = fixture.elfZone();
            assertTrue(after.length() > before.length());

            torn(fixture, before, after, elfBefore);  // registering zone 20
            torn(fixture, after, before, elfAfter);   // unregistering it
        }
    }

    private void torn(DumpFixture fixture, String old, String now, byte[] oldElf) throws Exception {
        fixture.elfZone(oldElf);
        Path core = temp.resolve("torn.elf");
        Set<Integer> exitCodes = new java.util.TreeSet<>();
        for (int cut = 0; cut <= now.length(); cut++) {
            String text = now.substring(0, cut) + (cut < old.length() ? old.substring(cut) : "");
            fixture.vmcoreinfoText(text);
            String what = "cut at " + cut + ":\n" + text;
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString());

            assertTrue(run.exitCode() == ExitCode.OK || run.exitCode() == ExitCode.INCOMPLETE, what + "\n" + run);
            exitCodes.add(run.exitCode());
            assertTrue(run.err().lines().count() <= 1 && !run.err().contains("Exception"), what + "\n" + run);
            int wholeLines = now.substring(0, cut).lastIndexOf('\n') + 1;
            for (String line : now.substring(0, wholeLines).split("\n")) {
                Matcher zone = Pattern.compile("ZONE\\(([0-9]+)\\)=([^,]+),0x([0-9a-f]+),([0-9]+)").matcher(line);
                if (zone.matches()) {
                    String row = "(?s).*\n +" + zone.group(1) + "  " + Pattern.quote(zone.group(2)) + " +0x0*" + zone.group(3)
                            + " +" + Elf64.align4(Long.parseLong(zone.group(4))) + "  arena.*  ok\n.*";
                    assertTrue(run.out().matches(row), "zone " + zone.group(1) + " of the new text, " + what + "\n" + run);
                }
            }
            for (String line : run.out().lines().toList()) {
                Matcher row = Pattern.compile(" *([0-9]+)  (\\S+) +0x([0-9a-f]{16}) +([0-9]+)  .*").matcher(line);
                if (row.matches()) {
                    long address = Long.parseUnsignedLong(row.group(3), 16);
                    boolean known = fixture.zones().stream().anyMatch(zone -> zone.id() == Integer.parseInt(row.group(1))
                            && zone.name().equals(row.group(2)) && zone.address() == address);
                    assertTrue(known || fixture.inArena(address, Long.parseLong(row.group(4))), line + ", " + what + "\n" + run);
                }
            }
            Files.deleteIfExists(core);
        }
        assertEquals(Set.of(ExitCode.OK, ExitCode.INCOMPLETE), exitCodes, "some cuts tear a line, some fall between lines");
    }

    /** @return how many region rows end with {@code sourceAndOutcome} */
    private static long rows(String out, String sourceAndOutcome) {
        return out.lines().filter(line -> line.matches(" +[0-9]+  .*") && line.endsWith(sourceAndOutcome)).count();
    }

    private static void assertReadByTheTools(DumpFixture fixture, Path core) throws Exception {
        String readelf = Tools.readelf(core);
        assertTrue(readelf.contains("VMCOREINFO") && readelf.contains("NT_PRSTATUS"), readelf);
        assertEquals(fixture.zones().size() - 2, readelf.lines().filter(line -> line.strip().startsWith("LOAD")).count(), readelf);
        assertTrue(Tools.gdbString(core, fixture.zone(ZoneIds.BANNER).address()).contains('"' + BANNER + '"'));
        assertTrue(Tools.gdbString(core, fixture.zone(BUNDLE_ZONE).address()).contains('"' + STATE + '"'));
    }

}
