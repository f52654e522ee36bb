package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.collector.FileEdits.edit;
import static org.kmemdump.collector.FileEdits.withByte;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.LittleEndian;
import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.SmemFile;
import org.kmemdump.format.ZoneDirectory;

/**
 * Every input is untrusted: truncated files at every boundary, a bit flipped in every byte of the
 * headers, region descriptors, zone directory entries and the VMCOREINFO text, an entry caught
 * half-written at every step, and the classic bad values. Each run must end in time with exit 0, 1
 * or 3, at most a line of error and no stack trace, and an output no larger than the data the arena
 * holds. A broken smem no longer ends the run while the arena's zone directory can stand in (exit
 * 1, the table named); with the directory empty too it does (exit 3), and so does a broken arena
 * header (its directory_offset included).
 */
class CorruptInputTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Set<Integer> ALLOWED = Set.of(ExitCode.OK.code(), ExitCode.INCOMPLETE.code(), ExitCode.BAD_INPUT.code());
    /** Ehdr, 202 program headers, the notes with a VMCOREINFO text of 201 regions: well under this. */
    private static final long HEADER_ALLOWANCE = 32 * 1024;
    /**
     * One flipped size can make a region cover bytes of other regions again (regions may overlap,
     * as in the kernel) but never reach past the arena file: at most the file once more.
     */
    private static final long MAX_OUTPUT = 2 * DumpFixture.ARENA_LENGTH + HEADER_ALLOWANCE;

    @TempDir
    static Path temp;
    private static final String TABLE_IGNORED = "the minidump table was ignored, the arena's zone directory used instead";
    private static final String ENTRIES_NOT_USED = "not used (see the notes)";
    private static DumpFixture fixture;
    /** The same zones without smem: the zone directory is the only source. */
    private static DumpFixture arenaOnly;
    private static Arena elsewhere;
    private static int regions;

    @BeforeAll
    static void buildDirectory() throws Exception {
        elsewhere = Arena.ofShared();
        fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones();
        fixture.addProcessZone(60, "native", elsewhere.allocate(16)); // lost: the owner is dead
        regions = fixture.zones().size();
        arenaOnly = DumpFixture.arenaOnly(temp.resolve("arena-only"), DumpFixture.Owner.dead()).standardZones();
        arenaOnly.addProcessZone(60, "native", elsewhere.allocate(16));
    }

    @AfterAll
    static void close() {
        fixture.close();
        arenaOnly.close();
        elsewhere.close();
    }

    @Test
    void intactDirectoryIsTheBaseline() {
        for (DumpFixture each : List.of(fixture, arenaOnly)) {
            CollectorRun run = collect(each.directory());
            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("headers: the runtime's coreimage"), run.toString());
            assertTrue(run.err().contains("1 of " + regions + " regions lost or refused"), run.toString());
        }
    }

    @Test
    void truncatedSmem() throws IOException {
        Set<Long> lengths = boundaries(SmemFile.LENGTH, SmemFile.HEADER_LENGTH, SmemFile.TOC_OFFSET + MinidumpTable.TOC_SIZE,
                SmemFile.REGIONS_OFFSET + (long) regions * MinidumpTable.REGION_SIZE);
        for (long i = 1; i < regions; i++) {
            lengths.add(SmemFile.REGIONS_OFFSET + i * MinidumpTable.REGION_SIZE);
        }
        for (long length : lengths) {
            Path copy = truncatedCopy(SmemFile.FILE_NAME, length);
            assertTableIgnored(copy, "smem: truncated: " + length + " bytes");
            assertFails(withoutDirectory(copy), "smem: truncated: " + length + " bytes");
        }
    }

    @Test
    void truncatedArena() throws IOException {
        Set<Long> lengths = boundaries(DumpFixture.ARENA_LENGTH, ArenaFile.HEADER_LENGTH, ArenaFile.BACKEND + ArenaFile.BACKEND_NAME_LENGTH,
                ArenaFile.DIRECTORY_OFFSET + 8, ArenaFile.ZONES_START);
        for (DumpFixture.Zone zone : fixture.zones()) {
            long offset = zone.address() - fixture.arena().address();
            if (offset > 0 && offset < DumpFixture.ARENA_LENGTH) {
                lengths.add(offset);
                lengths.add(offset + zone.memory().byteSize());
            }
        }
        lengths.add(DumpFixture.ARENA_LENGTH + 1);
        for (long length : lengths) {
            CollectorRun run = check(truncatedCopy(ArenaFile.FILE_NAME, length), "arena cut to " + length);
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains("/arena: "), run.toString());
        }
    }

    @Test
    void bitFlipsInSmemHeaderTableAndDescriptors() {
        long end = SmemFile.REGIONS_OFFSET + (long) regions * MinidumpTable.REGION_SIZE;
        // a flip the reader notices makes the table ignored (the zone directory stands in); one in a descriptor may pass
        flipEveryByte(fixture, fixture.smem(), 0, end, "smem", Set.of("1 " + TABLE_IGNORED, "1"));
    }

    @Test
    void bitFlipsInArenaHeader() {
        long used = ArenaFile.DIRECTORY_OFFSET + 8;
        flipEveryByte(fixture, fixture.arena(), 0, used, "arena", Set.of("3", "1"));
        flipEveryByte(arenaOnly, arenaOnly.arena(), 0, used, "arena-only arena", Set.of("3", "1"));
        for (long at = used; at < ArenaFile.HEADER_LENGTH; at += 61) { // the reserved rest: a sample
            flip(fixture, fixture.arena(), at, (int) (at % 8), "arena");
        }
    }

    /**
     * Every byte of every entry in use (the coreimage zones, the arena zones, zone 60 outside the
     * arena), and of some that are not: a flip never makes a zone of what is none (a row only the
     * directory lists is a zone, lies in the arena, or the ELF zone vouches for its address and
     * size); with the table there it only adds notes; in an unused entry it changes nothing (no
     * flip makes an empty entry valid). A flip that invalidates an entry hides its zone: the
     * directory cannot tell it, by design, from a zone that was never registered (without the
     * table, the lost zone 60 then goes unreported: exit 0).
     */
    @Test
    void bitFlipsInTheZoneDirectory() {
        for (DumpFixture each : List.of(fixture, arenaOnly)) {
            CollectorRun baseline = check(each.directory(), "the intact directory");
            Set<Integer> unused = Set.of(0, KnownZones.RELEASE, 100, ZoneDirectory.ENTRIES - 1);
            Set<Integer> ids = new TreeSet<>(unused);
            each.zones().forEach(zone -> ids.add(zone.id()));
            Map<String, Integer> outcomes = new TreeMap<>();
            for (int id : ids) {
                long entry = DumpFixture.directoryEntry(id);
                for (long at = entry; at < entry + ZoneDirectory.ENTRY_SIZE; at++) {
                    String what = "directory entry " + id + " byte " + (at - entry) + " bit " + at % 8;
                    MemorySegment arena = each.arena();
                    CollectorRun run = withByte(arena, at, (byte) (arena.get(ValueLayout.JAVA_BYTE, at) ^ (1 << (at % 8))),
                            () -> check(each.directory(), what));
                    assertNoForeignZones(each, run, what);
                    if (unused.contains(id)) {
                        assertEquals(ReportRows.of(baseline.out()), ReportRows.of(run.out()), what + "\n" + run);
                        assertEquals(baseline.err(), run.err(), what + "\n" + run);
                    }
                    outcomes.merge(run.exitCode() + (run.err().contains(ENTRIES_NOT_USED) ? " " + ENTRIES_NOT_USED : ""), 1, Integer::sum);
                }
            }
            // zone 60 is lost (exit 1) unless, without the table, a flip hides its entry (exit 0); some flips make an
            // entry disagree (a name the table has otherwise, an ELF entry the arena header contradicts, an address
            // no PT_LOAD vouches for)
            assertEquals(each == fixture ? Set.of("1", "1 " + ENTRIES_NOT_USED) : Set.of("0", "1", "1 " + ENTRIES_NOT_USED),
                    outcomes.keySet(), outcomes.toString());
        }
    }

    /**
     * The runtime's {@code ZoneDirectory.set} caught at every step by a kill: the valid field
     * cleared, then the entry rewritten byte by byte to another zone, then valid set while the id
     * field still disagrees: the entry is invisible throughout (its old zone gone, the new one not
     * there), and only the complete entry lists the new zone.
     */
    @Test
    void entryCaughtHalfWritten() {
        int id = 49;
        MemorySegment arena = arenaOnly.arena();
        MemorySegment entry = arena.asSlice(DumpFixture.directoryEntry(id), ZoneDirectory.ENTRY_SIZE);
        byte[] saved = entry.toArray(ValueLayout.JAVA_BYTE);
        DumpFixture.Zone page = arenaOnly.zone(50);
        MemorySegment rewritten = MemorySegment.ofArray(new long[(int) ZoneDirectory.LENGTH / Long.BYTES]);
        new ZoneDirectory(rewritten).set(id, "moved", page.address(), 16);
        byte[] target = rewritten.asSlice(DumpFixture.directoryEntry(id) - ArenaFile.DIRECTORY_START, ZoneDirectory.ENTRY_SIZE)
                .toArray(ValueLayout.JAVA_BYTE);
        List<Integer> others = arenaOnly.zones().stream().map(DumpFixture.Zone::id).filter(each -> each != id).toList();
        try {
            entry.set(LittleEndian.U32, ZoneDirectory.VALID_FIELD, 0);
            assertRows(others, "the entry invalidated");
            for (int at = 0; at < ZoneDirectory.ENTRY_SIZE; at++) {
                if (at < ZoneDirectory.VALID_FIELD || at >= ZoneDirectory.VALID_FIELD + Integer.BYTES) {
                    entry.set(ValueLayout.JAVA_BYTE, at, target[at]);
                    assertRows(others, "the entry rewritten up to byte " + at);
                }
            }
            entry.set(LittleEndian.U32, ZoneDirectory.ID, id - 1);
            entry.set(LittleEndian.U32, ZoneDirectory.VALID_FIELD, ZoneDirectory.VALID);
            assertRows(others, "the entry valid with id field " + (id - 1));
            entry.set(LittleEndian.U32, ZoneDirectory.ID, id);
            CollectorRun run = check(arenaOnly.directory(), "the entry complete");
            assertTrue(run.out().matches("(?s).*\n +49  moved +" + String.format("0x%016x", page.address()) + " +16  arena \\(directory\\)  ok\n.*"),
                    run.toString());
        } finally {
            entry.copyFrom(MemorySegment.ofArray(saved));
        }
    }

    /** @param ids the ids of the rows the arena-only directory must give now, and no others */
    private static void assertRows(List<Integer> ids, String what) {
        CollectorRun run = check(arenaOnly.directory(), what);
        assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), what + "\n" + run); // zone 60 is lost
        assertEquals(ids, ReportRows.of(run.out()).stream().map(ReportRows.Row::id).toList(), what + "\n" + run);
        assertFalse(run.out().contains(" moved "), what + "\n" + run);
    }

    /** A directory_offset that is not where the directory is makes the arena unusable, table or not: exit 3. */
    @Test
    void directoryOffsetThatIsNotTheDirectory() throws IOException {
        for (DumpFixture each : List.of(fixture, arenaOnly)) {
            for (int bit : new int[] {0, 3, 12, 40, 63}) {
                Path copy = copyOf(each.directory());
                long offset = ArenaFile.DIRECTORY_START ^ (1L << bit);
                set64(copy.resolve(ArenaFile.FILE_NAME), ArenaFile.DIRECTORY_OFFSET, offset);
                assertFails(copy, "arena: directory_offset is " + offset + " in a file of " + DumpFixture.ARENA_LENGTH + " bytes, expected "
                        + ArenaFile.DIRECTORY_START);
            }
        }
    }

    /**
     * Every byte of the VMCOREINFO text, its NUL and the first bytes after it: the text only decides
     * whether the runtime's headers are used; the regions, their sources and outcomes never change.
     */
    @Test
    void bitFlipsInTheVmcoreinfoTextCostOnlyTheHeaders() {
        for (DumpFixture each : List.of(fixture, arenaOnly)) {
            MemorySegment text = vmcoreinfo(each);
            long length = each.vmcoreinfoText().length();
            List<ReportRows.Row> rows = ReportRows.of(check(each.directory(), "the intact text").out());
            Map<String, Integer> headers = new TreeMap<>();
            for (long at = 0; at < length + 8; at++) {
                String what = "VMCOREINFO byte " + at + " bit " + at % 8;
                CollectorRun run = withByte(text, at, (byte) (text.get(ValueLayout.JAVA_BYTE, at) ^ (1 << (at % 8))),
                        () -> check(each.directory(), what));
                assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), what + "\n" + run); // zone 60 is lost, nothing else
                assertEquals(rows, ReportRows.of(run.out()), what + "\n" + run);
                headers.merge(run.out().contains("headers: the runtime's coreimage") ? "the runtime's" : "synthesized", 1, Integer::sum);
            }
            // a flip in a value (OSRELEASE, say) leaves a text that lists the regions; one in a ZONE line does not
            assertEquals(Set.of("the runtime's", "synthesized"), headers.keySet(), headers.toString());
        }
    }
    @Test
    void futureAndUnfinishedVersions() throws IOException {
        Path smem = copyOf(fixture.directory());
        set32(smem.resolve(SmemFile.FILE_NAME), SmemFile.VERSION_FIELD, SmemFile.VERSION + 1);
        assertTableIgnored(smem, "smem: version " + (SmemFile.VERSION + 1) + " is not supported");
        assertFails(withoutDirectory(smem), "smem: version " + (SmemFile.VERSION + 1) + " is not supported");
        Path arena = copyOf(fixture.directory());
        set32(arena.resolve(ArenaFile.FILE_NAME), ArenaFile.VERSION_FIELD, 0);
        assertFails(arena, "arena: version is 0: the arena was never finished");
    }

    @Test
    void wrongMagic() throws IOException {
        Path copy = copyOf(fixture.directory());
        set64(copy.resolve(ArenaFile.FILE_NAME), ArenaFile.MAGIC_FIELD, SmemFile.MAGIC);
        assertFails(copy, "arena: magic is 0x" + Long.toHexString(SmemFile.MAGIC) + ", not a kmemdump arena");
    }

    @Test
    void missingFilesAndDirectory() throws IOException {
        assertFails(temp.resolve("nowhere"), "nowhere: no such directory");
        Path noSmem = copyOf(fixture.directory());
        Files.delete(noSmem.resolve(SmemFile.FILE_NAME));
        CollectorRun run = check(noSmem, "no smem");
        assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString()); // the lost zone 60, nothing else
        assertTrue(run.out().contains("sources: no minidump table found (" + noSmem.resolve(SmemFile.FILE_NAME) + ": missing)"
                + ": the arena's zone directory was used (" + regions + " zones)"), run.toString());
        assertFails(withoutDirectory(noSmem), "smem: missing: no minidump table, and the arena's zone directory cannot stand in: "
                + noSmem.resolve(ArenaFile.FILE_NAME) + ": the zone directory lists no zone");
        Path noArena = copyOf(fixture.directory());
        Files.delete(noArena.resolve(ArenaFile.FILE_NAME));
        assertFails(noArena, "arena: missing");
    }

    @Test
    void fifoInsteadOfAFileDoesNotHang() throws Exception {
        Path copy = copyOf(fixture.directory());
        Files.delete(copy.resolve(SmemFile.FILE_NAME));
        assertEquals(0, new ProcessBuilder("mkfifo", copy.resolve(SmemFile.FILE_NAME).toString()).start().waitFor());
        assertTableIgnored(copy, "smem: not a regular file");
        assertFails(withoutDirectory(copy), "smem: not a regular file");
    }

    @Test
    void regionsBaseptrOutsideTheFile() throws IOException {
        Path copy = copyOf(fixture.directory());
        long apssBaseptr = SmemFile.TOC_OFFSET + MinidumpTable.TOC_SUBSYSTEMS + MinidumpTable.SS_REGIONS_BASEPTR;
        set64(copy.resolve(SmemFile.FILE_NAME), apssBaseptr, fixture.smem().address() + SmemFile.LENGTH);
        String message = "apss regions_baseptr 0x" + Long.toHexString(fixture.smem().address() + SmemFile.LENGTH)
                + " does not point at a region array inside the file";
        assertTableIgnored(copy, message);
        assertFails(withoutDirectory(copy), message);
    }

    @Test
    void absurdRegionCountIsClamped() throws IOException {
        Path copy = copyOf(fixture.directory());
        long apssCount = SmemFile.TOC_OFFSET + MinidumpTable.TOC_SUBSYSTEMS + MinidumpTable.SS_REGION_COUNT;
        for (int count : new int[] {100_000, 0x8000_0000, -1}) {
            set32(copy.resolve(SmemFile.FILE_NAME), apssCount, count);
            CollectorRun run = check(copy, "region_count " + Integer.toUnsignedString(count));
            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("sources: the minidump table (" + regions + " regions)"), run.toString());
        }
    }

    @Test
    void absurdRegionDescriptors() throws IOException {
        Path copy = copyOf(fixture.directory());
        Path smem = copy.resolve(SmemFile.FILE_NAME);
        long arenaEnd = fixture.arena().address() + DumpFixture.ARENA_LENGTH;
        setRegion(smem, 0, arenaEnd - 8, 16);           // ELF zone overlapping the arena file's end
        setRegion(smem, 1, 0x1000, -8);                 // a size of 2^64 - 8
        setRegion(smem, 2, -4096, 8192);                // wraps past 2^64
        setRegion(smem, 3, 0, 8);                       // no address
        setRegion(smem, 4, fixture.arena().address() + 8192, 0); // no size
        CollectorRun run = check(copy, "absurd descriptors");
        assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
        assertTrue(run.out().contains("lost: not in the arena file, and process gone"), run.toString());
        assertTrue(run.out().contains("runs past the end of the address space"), run.toString());
        assertTrue(run.out().contains("refused: address is 0") && run.out().contains("refused: size is 0"), run.toString());
    }

    @Test
    void arenaBaseAddressThatOverflows() throws IOException {
        Path copy = copyOf(fixture.directory());
        set64(copy.resolve(ArenaFile.FILE_NAME), ArenaFile.BASE_ADDRESS, Long.MAX_VALUE - 4096);
        assertFails(copy, "arena: base_address 0x" + Long.toHexString(Long.MAX_VALUE - 4096) + " is impossible");
    }

    // ---- helpers ----

    /** @return 0, 1, 7, 8, and each boundary less one, itself and plus one, below {@code full} */
    private static Set<Long> boundaries(long full, long... boundaries) {
        Set<Long> lengths = new TreeSet<>(List.of(0L, 1L, 7L, 8L, full - 1));
        for (long boundary : boundaries) {
            for (long length : new long[] {boundary - 1, boundary, boundary + 1}) {
                if (length >= 0 && length < full) {
                    lengths.add(length);
                }
            }
        }
        return lengths;
    }

    /**
     * Flips bit {@code at % 8} of every byte in turn; each outcome in {@code mustSee} (an exit code,
     * and whether the table was ignored) must occur, or the flips missed what they should hit.
     */
    private void flipEveryByte(DumpFixture in, MemorySegment file, long from, long to, String what, Set<String> mustSee) {
        Map<String, Integer> outcomes = new TreeMap<>();
        for (long at = from; at < to; at++) {
            outcomes.merge(flip(in, file, at, (int) (at % 8), what), 1, Integer::sum);
        }
        assertTrue(outcomes.keySet().containsAll(mustSee), outcomes.toString());
        assertEquals(to - from, outcomes.values().stream().mapToInt(Integer::intValue).sum());
    }

    /** Flips one bit in the live file, runs both commands, flips it back; @return the exit code, and whether the table was ignored */
    private static String flip(DumpFixture in, MemorySegment file, long at, int bit, String what) {
        CollectorRun run = withByte(file, at, (byte) (file.get(ValueLayout.JAVA_BYTE, at) ^ (1 << bit)),
                () -> check(in.directory(), what + " byte " + at + " bit " + bit));
        return run.exitCode() + (run.err().contains(TABLE_IGNORED) ? " " + TABLE_IGNORED : "");
    }

    private static MemorySegment vmcoreinfo(DumpFixture in) {
        return in.zone(KnownZones.VMCOREINFO).memory();
    }

    /**
     * Never garbage as a zone: every region only the zone directory lists is one of the zones, or
     * lies in the arena (a flipped entry there is indistinguishable from a zone, and harmless: arena
     * bytes). One outside the arena of a dead owner is a region only if the ELF zone has its
     * PT_LOAD, which vouches for the address and size, not the name: a flipped name there is still
     * reported.
     */
    private static void assertNoForeignZones(DumpFixture in, CollectorRun run, String what) {
        for (ReportRows.Row row : ReportRows.of(run.out())) {
            if (!row.onlyInDirectory()) {
                continue;
            }
            boolean known = in.zones().stream().anyMatch(zone -> zone.id() == row.id() && zone.name().equals(row.name())
                    && zone.address() == row.address() && Elf64.align4(zone.memory().byteSize()) == row.size());
            boolean vouched = in.zones().stream().anyMatch(zone -> zone.address() == row.address()
                    && Elf64.align4(zone.memory().byteSize()) == row.size());
            assertTrue(known || in.inArena(row.address(), row.size()) || vouched, what + ": a zone that is none: " + row + "\n" + run);
        }
    }

    /** Runs collect and inspect on {@code directory}; both must end in time, cleanly, with a bounded output. */
    private static CollectorRun check(Path directory, String what) {
        CollectorRun collect = collect(directory);
        CollectorRun inspect = assertTimeoutPreemptively(TIMEOUT, () -> CollectorRun.of("inspect", directory.toString()), what);
        for (CollectorRun run : List.of(collect, inspect)) {
            assertTrue(ALLOWED.contains(run.exitCode()), what + ": " + run);
            assertFalse(run.err().contains("Exception") || run.err().contains("at org.") || run.err().contains("at java."), what + ": " + run);
            assertTrue(run.err().lines().count() <= 1, what + ": " + run);
        }
        Path core = temp.resolve("core.elf");
        if (collect.exitCode() != ExitCode.BAD_INPUT.code()) {
            try {
                assertTrue(Files.size(core) <= MAX_OUTPUT, what + ": output of " + Files.size(core) + " bytes");
                Files.delete(core);
            } catch (IOException e) {
                throw new AssertionError(what + ": " + e, e);
            }
        }
        return collect;
    }

    private static CollectorRun collect(Path directory) {
        return assertTimeoutPreemptively(TIMEOUT,
                () -> CollectorRun.of("collect", directory.toString(), "-o", temp.resolve("core.elf").toString()), directory.toString());
    }

    /** A broken smem beside a good arena: the zone directory stands in, the run is incomplete, the one error line names the table. */
    private static void assertTableIgnored(Path directory, String message) {
        CollectorRun run = check(directory, message);
        assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
        assertTrue(run.err().contains(message) && run.err().contains(TABLE_IGNORED), run.toString());
        assertTrue(run.out().contains("sources: the minidump table is corrupt and was ignored: the arena's zone directory was used (" + regions
                + " zones)"), run.toString());
    }

    /** @return {@code directory} with every zone directory entry cleared, as before the runtime registered any: nothing to stand in */
    private static Path withoutDirectory(Path directory) throws IOException {
        edit(directory.resolve(ArenaFile.FILE_NAME), arena -> {
            for (int id = 1; id < ZoneDirectory.ENTRIES; id++) {
                ArenaFile.directory(arena).clear(id);
            }
        });
        return directory;
    }

    private static void assertFails(Path directory, String message) {
        CollectorRun run = check(directory, message);
        assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
        assertTrue(run.err().contains(message), run.toString());
    }

    private static int copies;

    /** @return a new directory holding copies of the fixture's files (the fixture's own stay mapped and intact) */
    private static Path copyOf(Path directory) throws IOException {
        return FileEdits.copy(directory, temp.resolve("copy" + copies++), SmemFile.FILE_NAME, ArenaFile.FILE_NAME);
    }

    private static Path truncatedCopy(String name, long length) throws IOException {
        Path copy = copyOf(fixture.directory());
        FileEdits.resize(copy.resolve(name), length);
        return copy;
    }

    private static void set32(Path file, long at, int value) throws IOException {
        edit(file, segment -> segment.set(LittleEndian.U32, at, value));
    }

    private static void set64(Path file, long at, long value) throws IOException {
        edit(file, segment -> segment.set(LittleEndian.U64, at, value));
    }

    private static void setRegion(Path smem, int index, long address, long size) throws IOException {
        long descriptor = SmemFile.REGIONS_OFFSET + (long) index * MinidumpTable.REGION_SIZE;
        set64(smem, descriptor + MinidumpTable.REGION_ADDRESS, address);
        set64(smem, descriptor + MinidumpTable.REGION_LENGTH, size);
    }
}
