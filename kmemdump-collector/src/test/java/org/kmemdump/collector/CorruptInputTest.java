package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
import org.kmemdump.api.ZoneIds;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.Elf64;
import org.kmemdump.format.MinidumpTable;
import org.kmemdump.format.SmemFile;
import org.kmemdump.format.ZoneDirectory;

/**
 * Every input is untrusted: truncated files at every boundary, a bit flipped in every byte of the
 * headers, region descriptors and the VMCOREINFO text, and the classic bad values. Each run must
 * end in time with exit 0, 1 or 3, at most a line of error and no stack trace, and an output no
 * larger than the data the arena holds. A broken smem no longer ends the run while the arena's zone
 * directory can stand in (exit 1, the table named); with the directory empty too it does (exit 3),
 * and so does a broken arena header (its directory_offset included).
 */
class CorruptInputTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Set<Integer> ALLOWED = Set.of(ExitCode.OK, ExitCode.INCOMPLETE, ExitCode.BAD_INPUT);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
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
            assertEquals(ExitCode.INCOMPLETE, run.exitCode(), run.toString());
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
            assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.toString());
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
                assertEquals(ExitCode.INCOMPLETE, run.exitCode(), what + "\n" + run); // zone 60 is lost, nothing else
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
        assertEquals(ExitCode.INCOMPLETE, run.exitCode(), run.toString()); // the lost zone 60, nothing else
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
            assertEquals(ExitCode.INCOMPLETE, run.exitCode(), run.toString());
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
        assertEquals(ExitCode.INCOMPLETE, run.exitCode(), run.toString());
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

    /** @return what {@code run} returns with byte {@code at} of the live file set to {@code value}; the byte is put back */
    private static CollectorRun withByte(MemorySegment file, long at, byte value, java.util.function.Supplier<CollectorRun> run) {
        byte original = file.get(ValueLayout.JAVA_BYTE, at);
        file.set(ValueLayout.JAVA_BYTE, at, value);
        try {
            return run.get();
        } finally {
            file.set(ValueLayout.JAVA_BYTE, at, original);
        }
    }

    private static MemorySegment vmcoreinfo(DumpFixture in) {
        return in.zone(ZoneIds.VMCOREINFO).memory();
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
        if (collect.exitCode() != ExitCode.BAD_INPUT) {
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
        assertEquals(ExitCode.INCOMPLETE, run.exitCode(), run.toString());
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
        assertEquals(ExitCode.BAD_INPUT, run.exitCode(), run.toString());
        assertTrue(run.err().contains(message), run.toString());
    }

    private static int copies;

    /** @return a new directory holding copies of the fixture's files (the fixture's own stay mapped and intact) */
    private static Path copyOf(Path directory) throws IOException {
        Path copy = Files.createDirectory(temp.resolve("copy" + copies++));
        for (String name : new String[] {SmemFile.FILE_NAME, ArenaFile.FILE_NAME}) {
            if (Files.exists(directory.resolve(name))) {
                Files.copy(directory.resolve(name), copy.resolve(name));
            }
        }
        return copy;
    }

    private static Path truncatedCopy(String name, long length) throws IOException {
        Path copy = copyOf(fixture.directory());
        try (FileChannel channel = FileChannel.open(copy.resolve(name), StandardOpenOption.WRITE)) {
            if (length > channel.size()) {
                channel.write(java.nio.ByteBuffer.allocate(1), length - 1);
            } else {
                channel.truncate(length);
            }
        }
        return copy;
    }

    private static void set32(Path file, long at, int value) throws IOException {
        edit(file, segment -> segment.set(U32, at, value));
    }

    private static void set64(Path file, long at, long value) throws IOException {
        edit(file, segment -> segment.set(U64, at, value));
    }

    private static void setRegion(Path smem, int index, long address, long size) throws IOException {
        long descriptor = SmemFile.REGIONS_OFFSET + (long) index * MinidumpTable.REGION_SIZE;
        set64(smem, descriptor + MinidumpTable.REGION_ADDRESS, address);
        set64(smem, descriptor + MinidumpTable.REGION_LENGTH, size);
    }

    private static void edit(Path file, java.util.function.Consumer<MemorySegment> change) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE); Arena arena = Arena.ofConfined()) {
            change.accept(channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena));
        }
    }

}
