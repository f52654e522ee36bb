package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.collector.FileEdits.edit;
import static org.kmemdump.collector.FileEdits.withByte;
import static org.kmemdump.collector.FileEdits.withLong;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KinfoRecord;
import org.kmemdump.format.LittleEndian;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.LogRing.Level;

/**
 * {@code log} and the kinfo part of {@code inspect} on untrusted input: a bit flipped in every byte
 * of the kinfo record and of the ring header and in a sample of the record bytes, truncated files,
 * absurd pointers, heads and capacities, garbage records. Every run ends in time with exit 0, 1 or
 * 3, at most one line of error and no stack trace, and every record line printed is a record that
 * was really appended, with its exception line, in the order they were appended: nothing is ever
 * shown as a record that is not one.
 */
class LogCorruptInputTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Set<Integer> ALLOWED = Set.of(ExitCode.OK.code(), ExitCode.INCOMPLETE.code(), ExitCode.BAD_INPUT.code());
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final long T0 = 1_704_164_645_006L;
    private static final int RECORDS = 60;
    private static final long RING_SIZE = 2048;
    private static final String FALLBACK = ": the log ring is zone 7 of the arena's zone directory instead";

    @TempDir
    static Path temp;
    private static DumpFixture fixture;
    private static LogRing ring;
    private static MemorySegment zone;
    /** Each record's line, and its exception line or {@code null}, by append order. */
    private static final List<String> LINES = new ArrayList<>();
    private static final List<String> EXCEPTIONS = new ArrayList<>();
    private static final Map<String, Integer> ORDER = new HashMap<>();
    private static String intact;
    private static int copies;

    @BeforeAll
    static void buildDirectory() throws IOException, InterruptedException {
        fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead());
        ring = fixture.logRing(RING_SIZE);
        zone = fixture.zone(7).memory();
        for (int i = 0; i < RECORDS; i++) {
            Level level = Level.values()[i % Level.values().length];
            long bundleId = i % 7 == 0 ? -1 : i % 3;
            String bundle = bundleId < 0 ? "" : "org.example.b" + bundleId;
            String message = "message " + i + (i % 4 == 0 ? " over\ntwo lines" : "");
            String exception = i % 5 == 0 ? "java.lang.IllegalStateException: failure " + i : null;
            ring.append(T0 + 1001L * i, bundleId, level, bundle, message, exception);
            String line = TIME.format(Instant.ofEpochMilli(T0 + 1001L * i)) + " " + String.format("%-5s", level) + " "
                    + (bundle.isEmpty() ? "-" : bundle) + " [" + (bundleId < 0 ? "-" : bundleId) + "] " + message.replace("\n", "\\n");
            ORDER.put(line, i);
            LINES.add(line);
            EXCEPTIONS.add(exception == null ? null : "    " + exception);
        }
        fixture.kinfo("kmemdump-test");
        CollectorRun run = check(fixture.directory(), "the intact directory");
        assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
        int shown = recordsShown(run, "the intact directory");
        assertTrue(shown > 10 && shown < RECORDS && run.out().startsWith("... " + (RECORDS - shown) + " records lost"), run.toString());
        intact = run.out();
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    /** Every byte of both kinfo records: each flip is caught by a magic or a checksum, and the zone directory stands in. */
    @Test
    void bitFlipsInTheKinfoRecord() {
        MemorySegment kinfo = fixture.kinfoArea();
        for (long at = 0; at < KinfoRecord.AREA_LENGTH; at++) {
            String what = "kinfo byte " + at + " bit " + at % 8;
            CollectorRun run = withByte(kinfo, at, (byte) (kinfo.get(ValueLayout.JAVA_BYTE, at) ^ (1 << (at % 8))),
                    () -> check(fixture.directory(), what));
            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), what + "\n" + run);
            assertEquals(intact, run.out(), what + "\n" + run);
            assertTrue(run.err().startsWith("kmemdump-collector: " + fixture.directory().resolve("kinfo") + ": ")
                    && run.err().endsWith(FALLBACK + "\n"), what + "\n" + run);
        }
        for (long at = KinfoRecord.AREA_LENGTH; at < DumpFixture.KINFO_LENGTH; at += 97) { // the rest of the area: not read
            String what = "kinfo area byte " + at;
            CollectorRun run = withByte(kinfo, at, (byte) 0x5a, () -> check(fixture.directory(), what));
            assertEquals(ExitCode.OK.code(), run.exitCode(), what + "\n" + run);
            assertEquals(intact, run.out(), what + "\n" + run);
        }
    }

    /**
     * Every byte of the ring header: a flip in magic, version, header_length or capacity is caught
     * (kinfo and the directory name the same zone: exit 3); one in head shows fewer records or
     * none, or is refused as impossible; one in next_sequence or the reserved bytes changes nothing.
     */
    @Test
    void bitFlipsInTheRingHeader() {
        Map<Integer, Integer> outcomes = new TreeMap<>();
        for (long at = 0; at < LogRing.HEADER_LENGTH; at++) {
            String what = "ring header byte " + at + " bit " + at % 8;
            CollectorRun run = withByte(zone, at, (byte) (zone.get(ValueLayout.JAVA_BYTE, at) ^ (1 << (at % 8))),
                    () -> check(fixture.directory(), what));
            outcomes.merge(run.exitCode(), 1, Integer::sum);
            if (run.exitCode() == ExitCode.BAD_INPUT.code()) {
                assertEquals("", run.out(), what + "\n" + run);
                assertTrue(run.err().contains("the log ring at 0x" + Long.toHexString(zone.address())), what + "\n" + run);
            } else if (at >= LogRing.NEXT_SEQUENCE) {
                assertEquals(intact, run.out(), what + "\n" + run);
            }
        }
        assertEquals(Set.of(ExitCode.OK.code(), ExitCode.BAD_INPUT.code()), outcomes.keySet(), outcomes.toString());
    }

    /** A flipped bit in a record makes its checksum fail: it is left out, and counted lost; the others stay. */
    @Test
    void bitFlipsInTheRecords() {
        for (long at = LogRing.HEADER_LENGTH; at < RING_SIZE; at += 7) {
            String what = "ring byte " + at + " bit " + at % 8;
            CollectorRun run = withByte(zone, at, (byte) (zone.get(ValueLayout.JAVA_BYTE, at) ^ (1 << (at % 8))),
                    () -> check(fixture.directory(), what));
            assertEquals(ExitCode.OK.code(), run.exitCode(), what + "\n" + run);
        }
    }

    @Test
    void garbageRecords() {
        byte[] saved = zone.toArray(ValueLayout.JAVA_BYTE);
        try {
            byte[] noise = new byte[(int) ring.capacity()];
            new Random(42).nextBytes(noise);
            MemorySegment.copy(MemorySegment.ofArray(noise), 0, zone, LogRing.HEADER_LENGTH, noise.length);
            CollectorRun run = check(fixture.directory(), "random bytes for records");
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertEquals(0, recordsShown(run, "random bytes"), run.toString());

            // one real record copied over the whole data area: only the copy at the position it names is one
            zone.copyFrom(MemorySegment.ofArray(saved));
            long newest = lastRecordOffset();
            int length = (int) (ring.head() % ring.capacity() - newest);
            byte[] record = zone.asSlice(LogRing.HEADER_LENGTH + newest, length).toArray(ValueLayout.JAVA_BYTE);
            for (long at = 0; at + length <= ring.capacity(); at += length) {
                MemorySegment.copy(MemorySegment.ofArray(record), 0, zone, LogRing.HEADER_LENGTH + at, length);
            }
            run = check(fixture.directory(), "one record everywhere");
            assertTrue(recordsShown(run, "one record everywhere") <= 1, run.toString());
        } finally {
            zone.copyFrom(MemorySegment.ofArray(saved));
        }
    }

    /** @return the data offset of the newest record: the last one a walk from the oldest finds before head */
    private static long lastRecordOffset() {
        long head = ring.head();
        long capacity = ring.capacity();
        long offset = head % capacity;
        for (long at = offset - LogRing.RECORD_HEADER; at >= 0; at -= 8) {
            long start = LogRing.HEADER_LENGTH + at;
            if (zone.get(ValueLayout.JAVA_INT_UNALIGNED, start) == offset - at
                    && zone.get(LittleEndian.U64, start + LogRing.R_POSITION) == head - (offset - at)) {
                return at;
            }
        }
        throw new AssertionError("no record ends at head");
    }

    @Test
    void truncatedKinfo() throws IOException {
        for (long length : new long[] {1, 4, 8, 100, KinfoRecord.EXT_OFFSET - 1, KinfoRecord.EXT_OFFSET, KinfoRecord.EXT_OFFSET + 1,
                KinfoRecord.AREA_LENGTH - 1}) {
            Path copy = truncatedCopy(KinfoRecord.FILE_NAME, length);
            CollectorRun run = check(copy, "kinfo cut to " + length);
            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertEquals(intact, run.out(), run.toString());
            assertTrue(run.err().contains(copy.resolve("kinfo") + ": truncated: " + length + " bytes, the kinfo records need "
                    + KinfoRecord.AREA_LENGTH), run.toString());
        }
        // made, never written: no defect
        CollectorRun empty = check(truncatedCopy(KinfoRecord.FILE_NAME, 0), "kinfo cut to 0");
        assertEquals(ExitCode.OK.code(), empty.exitCode(), empty.toString());
        assertEquals(intact, empty.out(), empty.toString());
        assertTrue(empty.err().contains("kinfo: never written (empty)"), empty.toString());
        for (long length : new long[] {KinfoRecord.AREA_LENGTH, KinfoRecord.AREA_LENGTH + 1, 1L << 30}) { // sparse: nothing past the record is read
            CollectorRun run = check(truncatedCopy(KinfoRecord.FILE_NAME, length), "kinfo of " + length + " bytes");
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertEquals(intact, run.out(), run.toString());
        }
    }

    /** The arena's length field no longer matches: the arena is refused as a whole, log ring and all. */
    @Test
    void truncatedArena() throws IOException {
        long ringOffset = zone.address() - fixture.arena().address();
        for (long length : new long[] {0, ArenaFile.HEADER_LENGTH, ringOffset, ringOffset + LogRing.HEADER_LENGTH, ringOffset + RING_SIZE - 1}) {
            CollectorRun run = check(truncatedCopy(ArenaFile.FILE_NAME, length), "arena cut to " + length);
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains("/arena: "), run.toString());
        }
    }

    @Test
    void impossibleHeadsAndCapacities() {
        for (long head : new long[] {Long.MAX_VALUE & ~7L, Long.MAX_VALUE - 2 * ring.capacity() + 8, -8, Long.MIN_VALUE, ring.head() + 4}) {
            CollectorRun run = withLong(zone, LogRing.HEAD, head, () -> check(fixture.directory(), "head " + head));
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains(": head " + head + " is impossible"), run.toString());
        }
        // kinfo unusable too: still one line, saying both
        CollectorRun both = withByte(fixture.kinfoArea(), 0, (byte) 0,
                () -> withLong(zone, LogRing.HEAD, -8, () -> check(fixture.directory(), "kinfo magic and head -8")));
        assertEquals(ExitCode.BAD_INPUT.code(), both.exitCode(), both.toString());
        assertTrue(both.err().contains(": magic_number is 0x") && both.err().contains(FALLBACK + "; the log ring at 0x")
                && both.err().endsWith("(zone 7 of the arena's zone directory): head -8 is impossible (it must be 0 or more, a multiple of 8 and"
                        + " leave room to count " + ring.capacity() + " more bytes)\n"), both.toString());
        for (long head : new long[] {0, 1L << 62, ring.head() + (1L << 40)}) { // possible, but no record is where they say
            CollectorRun run = withLong(zone, LogRing.HEAD, head, () -> check(fixture.directory(), "head " + head));
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertEquals(0, recordsShown(run, "head " + head), run.toString());
        }
        for (long capacity : new long[] {0, 8, 1L << 40, -8, RING_SIZE, RING_SIZE - LogRing.HEADER_LENGTH + 8}) {
            CollectorRun run = withLong(zone, LogRing.CAPACITY, capacity, () -> check(fixture.directory(), "capacity " + capacity));
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains("capacity " + Long.toUnsignedString(capacity) + " does not fit a zone of " + RING_SIZE + " bytes"),
                    run.toString());
        }
    }

    /**
     * Log pointers that a valid record (checksums recomputed) may still hold: each is refused, and
     * the zone directory stands in; inspect calls the ones outside the arena a defect.
     */
    @Test
    void absurdLogPointers() throws IOException {
        long base = fixture.arena().address();
        KinfoRecord.Pointer[] pointers = {
            new KinfoRecord.Pointer(1, Long.MAX_VALUE),
            new KinfoRecord.Pointer(-1, 16),
            new KinfoRecord.Pointer(zone.address(), -1),
            new KinfoRecord.Pointer(base, RING_SIZE),                                   // the arena header
            new KinfoRecord.Pointer(base + ArenaFile.ZONES_START, DumpFixture.ARENA_LENGTH), // runs past the end
            new KinfoRecord.Pointer(zone.address() + 8, RING_SIZE - 8),                 // inside the ring
            new KinfoRecord.Pointer(zone.address(), LogRing.HEADER_LENGTH),             // too small for a ring
            new KinfoRecord.Pointer(zone.address() + 4, RING_SIZE),                     // not aligned
            new KinfoRecord.Pointer(0, RING_SIZE),
        };
        int outsideTheArena = 5;
        byte[] saved = fixture.kinfoArea().toArray(ValueLayout.JAVA_BYTE);
        Path path = fixture.directory().resolve("kinfo");
        try {
            for (int i = 0; i < pointers.length; i++) {
                KinfoRecord.Pointer pointer = pointers[i];
                fixture.kinfoArea().copyFrom(MemorySegment.ofArray(saved));
                KinfoRecord record = KinfoRecord.create(fixture.kinfoArea(), "b", 4096);
                record.log(pointer);
                CollectorRun run = check(fixture.directory(), "log pointer " + pointer);
                assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
                assertEquals(intact, run.out(), run.toString());
                assertTrue(run.err().endsWith(FALLBACK + "\n"), run.toString());
                CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());
                boolean outside = i < outsideTheArena || i == pointers.length - 1;
                assertEquals(outside ? ExitCode.INCOMPLETE.code() : ExitCode.OK.code(), inspect.exitCode(), "inspect: log ring pointer " + pointer + "\n" + inspect);
                assertEquals(outside, inspect.err().contains(path + ": the JVM extension's log ring pointer "), inspect.toString());
                assertTrue(inspect.out().contains("log ring:     " + KinfoFile.describe(pointer) + (outside ? ", not in the arena" : ", in the arena")),
                        inspect.toString());
            }
        } finally {
            fixture.kinfoArea().copyFrom(MemorySegment.ofArray(saved));
        }
    }

    /** Without kinfo, zone 7 of the directory is the only way; when it names no ring, there is none (exit 3). */
    @Test
    void absurdDirectoryEntryWithoutKinfo() throws IOException {
        long base = fixture.arena().address();
        long[][] entries = {{zone.address(), Long.MAX_VALUE}, {base, RING_SIZE}, {zone.address() + 4, RING_SIZE}, {zone.address() + 8, RING_SIZE - 8}};
        for (long[] entry : entries) {
            Path copy = copyOf(fixture.directory());
            Files.delete(copy.resolve(KinfoRecord.FILE_NAME));
            edit(copy.resolve(ArenaFile.FILE_NAME), arena -> ArenaFile.directory(arena).set(7, "log", entry[0], entry[1]));
            CollectorRun run = check(copy, "zone 7 at " + Long.toHexString(entry[0]) + ", " + entry[1] + " bytes");
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains("no kinfo record (") && run.err().endsWith(": no log ring to read\n"), run.toString());
        }
        Path copy = copyOf(fixture.directory());
        Files.delete(copy.resolve(KinfoRecord.FILE_NAME));
        edit(copy.resolve(ArenaFile.FILE_NAME), arena -> ArenaFile.directory(arena).clear(7));
        CollectorRun run = check(copy, "no zone 7");
        assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
        assertTrue(run.err().contains("the arena's zone directory lists no zone 7: no log ring to read"), run.toString());
        assertEquals(ExitCode.OK.code(), check(copyOf(fixture.directory()), "an intact copy").exitCode());
    }

    // ---- helpers ----

    /**
     * Runs log and inspect on {@code directory}; both must end in time, with an allowed exit code,
     * at most one line of error and no stack trace; every record log prints must be a real one.
     *
     * @return the log run
     */
    private static CollectorRun check(Path directory, String what) {
        CollectorRun log = assertTimeoutPreemptively(TIMEOUT, () -> CollectorRun.of("log", directory.toString(), "-n", "1000"), what);
        CollectorRun inspect = assertTimeoutPreemptively(TIMEOUT, () -> CollectorRun.of("inspect", directory.toString()), what);
        for (CollectorRun run : List.of(log, inspect)) {
            assertTrue(ALLOWED.contains(run.exitCode()), what + ": " + run);
            assertFalse(run.err().contains("Exception") || run.err().contains("at org.") || run.err().contains("at java."), what + ": " + run);
            assertTrue(run.err().lines().count() <= 1, what + ": " + run);
        }
        recordsShown(log, what);
        return log;
    }

    /**
     * @return how many records {@code run} printed, after checking that each is a record that was
     *         appended, followed by its exception line if it has one, in append order, and that
     *         every other line is a lost line
     */
    private static int recordsShown(CollectorRun run, String what) {
        List<String> lines = run.out().lines().toList();
        int previous = -1;
        int shown = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("... ") && line.matches("\\.\\.\\. \\d+ records? lost .*")) {
                continue;
            }
            Integer index = ORDER.get(line);
            assertTrue(index != null, what + ": not a record that was appended: '" + line + "'\n" + run);
            assertTrue(index > previous, what + ": out of order: '" + line + "'\n" + run);
            if (EXCEPTIONS.get(index) != null) {
                assertEquals(EXCEPTIONS.get(index), i + 1 < lines.size() ? lines.get(++i) : null, what + ": its exception line\n" + run);
            }
            previous = index;
            shown++;
        }
        return shown;
    }

    /** @return a new directory holding copies of the directory's arena and kinfo files */
    private static Path copyOf(Path directory) throws IOException {
        return FileEdits.copy(directory, temp.resolve("copy" + copies++), ArenaFile.FILE_NAME, KinfoRecord.FILE_NAME);
    }

    private static Path truncatedCopy(String name, long length) throws IOException {
        Path copy = copyOf(fixture.directory());
        FileEdits.resize(copy.resolve(name), length);
        return copy;
    }
}
