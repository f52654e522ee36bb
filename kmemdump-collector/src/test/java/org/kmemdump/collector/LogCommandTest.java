package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.Collector;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KinfoRecord;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.LogRing.Level;

/**
 * {@code log}: the log ring of a dead, live or cleanly stopped owner, found through the kinfo
 * record or the zone directory, in the documented line format; the last N; what wrap-around and a
 * torn append leave; and {@code --follow} against a ring this JVM appends to while it plays the
 * live owner.
 */
class LogCommandTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** 2024-01-02T03:04:05.006Z */
    private static final long T0 = 1_704_164_645_006L;
    private static final List<String> THREE = List.of(
            "2024-01-02T03:04:05.006Z INFO  org.example.app [12] started",
            "2024-01-02T03:04:05.100Z ERROR org.example.db [13] connection failed",
            "    java.sql.SQLException: timeout after 30 s",
            "2024-01-02T03:04:06.006Z DEBUG - [-] two\\nlines, an escape ? and \u00e9t\u00e9");
    private static final Pattern NUMBERED = Pattern.compile("^\\S+ INFO  app \\[1\\] m (\\d+)$");

    @TempDir
    Path temp;

    private static void appendThree(LogRing ring) {
        ring.append(T0, 12, Level.INFO, "org.example.app", "started", null);
        ring.append(T0 + 94, 13, Level.ERROR, "org.example.db", "connection failed", "java.sql.SQLException: timeout after 30 s");
        ring.append(T0 + 1000, -1, Level.DEBUG, "", "two\nlines, an escape \u001b and \u00e9t\u00e9", "");
    }

    private static void appendNumbered(LogRing ring, int from, int to) {
        for (int i = from; i < to; i++) {
            ring.append(T0 + i, 1, Level.INFO, "app", "m " + i, null);
        }
    }

    @Test
    void deadOwnerThroughKinfo() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead())) {
            appendThree(fixture.logRing(4096));
            fixture.kinfo("kmemdump-test");
            CollectorRun run = log(fixture.directory());

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertEquals(THREE, run.out().lines().toList(), run.toString());
            assertEquals("", run.err(), run.toString());
        }
    }

    @Test
    void withoutKinfoTheZoneDirectoryStandsIn() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead())) {
            appendThree(fixture.logRing(4096));
            CollectorRun run = log(fixture.directory());

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertEquals(THREE, run.out().lines().toList(), run.toString());
            assertEquals(List.of("kmemdump-collector: no kinfo record (" + fixture.directory().resolve("kinfo")
                    + ": missing): the log ring is zone 7 of the arena's zone directory"), run.err().lines().toList(), run.toString());
        }
    }

    @Test
    void invalidKinfoIsNamedAndTheZoneDirectoryStandsIn() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead())) {
            LogRing ring = fixture.logRing(4096);
            appendThree(ring);
            KinfoRecord kinfo = fixture.kinfo("kmemdump-test");
            Path path = fixture.directory().resolve("kinfo");
            MemorySegment area = fixture.kinfoArea();

            area.set(ValueLayout.JAVA_BYTE, KinfoRecord.BUILD_INFO + 3, (byte) '!'); // behind the checksum's back
            fallsBack(fixture, path + ": combined_checksum is 0x");
            KinfoRecord.create(area, "rebuilt", 1 << 20);
            area.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 0x12345678);
            fallsBack(fixture, path + ": magic_number is 0x12345678, not 0xcceeddff");
            kinfo = KinfoRecord.create(area, "rebuilt", 1 << 20); // valid, but no log ring named
            long arenaEnd = fixture.arena().address() + DumpFixture.ARENA_LENGTH;
            kinfo.log(new KinfoRecord.Pointer(arenaEnd - 1024, 4096));
            fallsBack(fixture, path + ": the JVM extension's log ring pointer 0x" + Long.toHexString(arenaEnd - 1024)
                    + " (4096 bytes) is not in the arena's zone area");
            MemorySegment zone = fixture.zone(7).memory();
            kinfo.log(new KinfoRecord.Pointer(zone.address() + 4, 4092));
            fallsBack(fixture, "(4092 bytes) is not 8-byte aligned: no log ring starts there");
            MemorySegment elf = fixture.zone(1).memory();
            kinfo.log(new KinfoRecord.Pointer(elf.address(), elf.byteSize()));
            fallsBack(fixture, "the log ring at 0x" + Long.toHexString(elf.address()) + " (named by " + path + "): magic is 0x");
            Files.delete(path);
            Files.createDirectory(path);
            fallsBack(fixture, path + ": not a regular file");
        }
    }

    /**
     * Not defects: a kinfo file made but never written (empty, or magic_number 0), and a valid
     * record that points at no log ring, as the kinfo backend leaves it while another backend is
     * active. The zone directory is used, said in one line, and the run is complete.
     */
    @Test
    void kinfoWithoutALogRingIsNoDefect() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead())) {
            appendThree(fixture.logRing(4096));
            fixture.kinfo("kmemdump-test").log(new KinfoRecord.Pointer(0, 0));
            Path path = fixture.directory().resolve("kinfo");
            String directory = ": the log ring is zone 7 of the arena's zone directory\n";
            standsIn(fixture, path + ": the kinfo record points at no log ring (the kinfo backend is not the active one, or no log ring is"
                    + " registered)" + directory);
            fixture.kinfoArea().fill((byte) 0);
            standsIn(fixture, path + ": never written (magic_number 0): the kinfo backend made the file but has not written a record" + directory);
            FileEdits.resize(path, 0);
            standsIn(fixture, path + ": never written (empty): the kinfo backend made the file but has not written a record" + directory);
            CollectorRun inspect = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.OK.code(), inspect.exitCode(), inspect.toString());
            assertTrue(inspect.out().contains("\nkinfo:     " + path + ": never written (empty): the kinfo backend made the file but has not"
                    + " written a record\nzones:"), inspect.toString());
        }
    }

    private static void standsIn(DumpFixture fixture, String note) {
        CollectorRun run = log(fixture.directory());
        assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
        assertEquals(THREE, run.out().lines().toList(), run.toString());
        assertEquals("kmemdump-collector: " + note, run.err(), run.toString());
    }

    private static void fallsBack(DumpFixture fixture, String kinfoProblem) {
        CollectorRun run = log(fixture.directory());
        assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
        assertEquals(THREE, run.out().lines().toList(), run.toString());
        assertEquals(1, run.err().lines().count(), run.toString());
        assertTrue(run.err().contains(kinfoProblem) && run.err().endsWith(": the log ring is zone 7 of the arena's zone directory instead\n"),
                run.toString());
    }

    @Test
    void noLogRingAnywhere() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead())) {
            fixture.addArenaZone(49, "mystate", 64);
            CollectorRun run = log(fixture.directory());
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertEquals("", run.out(), run.toString());
            assertEquals(List.of("kmemdump-collector: no kinfo record (" + fixture.directory().resolve("kinfo") + ": missing); the arena's"
                    + " zone directory lists no zone 7: no log ring to read"), run.err().lines().toList(), run.toString());

            fixture.kinfo("kmemdump-test"); // valid, no log ring: still none
            run = log(fixture.directory());
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains("kinfo: the kinfo record points at no log ring (the kinfo backend is not the active one, or no log"
                    + " ring is registered); the arena's zone directory lists no zone 7: no log ring to read"), run.toString());

            fixture.addArenaZone(7, "log", 4096); // a zone 7 that holds no ring: zeros
            run = log(fixture.directory());
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertTrue(run.err().contains("(zone 7 of the arena's zone directory): magic is 0x0, not a kmemdump log ring: no log ring to read"),
                    run.toString());
        }
    }

    @Test
    void theLastNRecords() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead())) {
            appendNumbered(fixture.logRing(16384), 0, 120);
            fixture.kinfo("kmemdump-test");
            assertEquals(range(70, 120), numbers(log(fixture.directory())), "the default is 50");
            assertEquals(range(115, 120), numbers(log(fixture.directory(), "-n", "5")));
            assertEquals(range(0, 120), numbers(log(fixture.directory(), "-n", "1000")));
            CollectorRun none = log(fixture.directory(), "-n", "0");
            assertEquals(ExitCode.OK.code(), none.exitCode(), none.toString());
            assertEquals("", none.out() + none.err(), none.toString());
            assertTrue(log(fixture.directory(), "-n", "1").out().matches("2024-01-02T03:04:05\\.125Z INFO  app \\[1\\] m 119\n"));
        }
    }

    @Test
    void wrapAroundIsCountedOnTheFirstLine() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead())) {
            LogRing ring = fixture.logRing(1024);
            appendNumbered(ring, 0, 500);
            fixture.kinfo("kmemdump-test");
            LogRing.Walk walk = ring.walk();
            int kept = walk.entries().size();
            assertTrue(kept > 5 && kept < 50 && walk.lost() == 500 - kept, walk.toString());

            CollectorRun run = log(fixture.directory());
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            List<String> lines = run.out().lines().toList();
            assertEquals("... " + (500 - kept) + " records lost (overwritten as the ring wrapped around, or unreadable)", lines.get(0), run.toString());
            assertEquals(range(500 - kept, 500), numbers(run));
            assertEquals(kept + 1, lines.size(), run.toString());
            List<String> two = log(fixture.directory(), "-n", "2").out().lines().toList();
            assertEquals(List.of(lines.get(0), lines.get(lines.size() - 2), lines.get(lines.size() - 1)), two);
        }
    }

    /**
     * A kill in the middle of an append leaves the first bytes of a record beyond head, over the
     * oldest records: for every length of that prefix, the records shown are the ones before it
     * minus, at most, old ones it overwrote, and never the new one.
     */
    @Test
    void aTornAppendIsNeverPrinted() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead()); Arena scratch = Arena.ofConfined()) {
            LogRing ring = fixture.logRing(2048);
            appendNumbered(ring, 0, 100); // wrapped: the next record overwrites the oldest
            fixture.kinfo("kmemdump-test");
            MemorySegment zone = fixture.zone(7).memory();
            byte[] before = zone.toArray(ValueLayout.JAVA_BYTE);
            List<Integer> intact = numbers(log(fixture.directory()));
            MemorySegment after = scratch.allocate(zone.byteSize(), 8).copyFrom(zone);
            LogRing.open(after, "after").append(T0, 1, Level.ERROR, "app", "the last words", "java.lang.OutOfMemoryError");
            long head = ring.head();
            int length = (int) (LogRing.open(after, "after").head() - head);
            long capacity = ring.capacity();
            try {
                for (int cut = 0; cut <= length; cut++) {
                    zone.copyFrom(MemorySegment.ofArray(before));
                    for (int i = 0; i < cut; i++) { // head not moved: what a kill leaves
                        long offset = LogRing.HEADER_LENGTH + (head + i) % capacity;
                        zone.set(ValueLayout.JAVA_BYTE, offset, after.get(ValueLayout.JAVA_BYTE, offset));
                    }
                    CollectorRun run = log(fixture.directory());
                    assertEquals(ExitCode.OK.code(), run.exitCode(), "cut " + cut + "\n" + run);
                    assertFalse(run.out().contains("last words") || run.out().contains("OutOfMemoryError"), "cut " + cut + "\n" + run);
                    List<Integer> shown = numbers(run);
                    assertEquals(intact.subList(intact.size() - shown.size(), intact.size()), shown, "cut " + cut + "\n" + run);
                    assertTrue(shown.size() >= intact.size() - 2, "cut " + cut + ": at most the oldest record or two are lost\n" + run);
                }
                zone.copyFrom(after); // the append completed: now it shows
                CollectorRun whole = log(fixture.directory());
                assertTrue(whole.out().endsWith(" ERROR app [1] the last words\n    java.lang.OutOfMemoryError\n"), whole.toString());
            } finally {
                zone.copyFrom(MemorySegment.ofArray(before));
            }
        }
    }

    /** A cleanly stopped runtime's ring is still there to read; --follow has nothing to follow. */
    @Test
    void cleanlyStoppedAndDeadOwnersAreNotFollowed() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.self())) {
            appendThree(fixture.logRing(4096));
            fixture.kinfo("kmemdump-test");
            ArenaFile.cleanShutdown(fixture.arena());
            CollectorRun run = assertTimeoutPreemptively(TIMEOUT, () -> log(fixture.directory(), "--follow"));
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertEquals(THREE, run.out().lines().toList(), run.toString());
            assertTrue(run.err().contains("the owner, pid " + ProcessHandle.current().pid() + ", shut down cleanly (the arena's clean-shutdown"
                    + " marker is set): nothing to follow"), run.toString());
        }
        DumpFixture.Owner self = DumpFixture.Owner.self();
        DumpFixture.Owner earlier = new DumpFixture.Owner(self.pid(), self.startTime() - TimeUnit.HOURS.toMillis(1));
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("reused"), earlier)) {
            appendThree(fixture.logRing(4096));
            CollectorRun run = assertTimeoutPreemptively(TIMEOUT, () -> log(fixture.directory(), "--follow", "-n", "1"));
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertEquals(THREE.subList(3, 4), run.out().lines().toList(), run.toString());
            assertTrue(run.err().contains("is gone (pid " + self.pid() + " now belongs to a process started") && run.err().contains("nothing to follow"),
                    run.toString());
        }
    }

    /**
     * This JVM is the live owner: a writer appends while the collector follows, then marks a clean
     * shutdown. Every new record is printed once, in order, after the last N old ones, and the
     * follow ends by itself.
     */
    @Test
    void followPrintsNewRecordsInOrderUntilTheOwnerEnds() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.self())) {
            LogRing ring = fixture.logRing(16384);
            appendNumbered(ring, 0, 10);
            fixture.kinfo("kmemdump-test");
            CollectorRun run;
            try (Following following = Following.start(fixture.directory(), "-n", "3", "--follow")) {
                run = assertTimeoutPreemptively(TIMEOUT, () -> {
                    following.await(out -> numbers(out).equals(range(7, 10)));
                    for (int i = 10; i < 40; i++) { // over several polls
                        appendNumbered(ring, i, i + 1);
                        Thread.sleep(20);
                    }
                    ArenaFile.cleanShutdown(fixture.arena());
                    return following.end();
                });
            }
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertEquals(range(7, 40), numbers(run), run.toString());
            assertEquals(33, run.out().lines().count(), run.toString());
            assertEquals(List.of("kmemdump-collector: the owner, pid " + ProcessHandle.current().pid() + ", shut down cleanly (the arena's"
                    + " clean-shutdown marker is set): no more records"), run.err().lines().toList(), run.toString());
        }
    }

    /** Records the ring overwrote before a poll read them are a "... N records lost" line where they were, counted exactly. */
    @Test
    void followSaysWhatTheRingWrappedPast() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.self())) {
            LogRing ring = fixture.logRing(1024);
            appendNumbered(ring, 0, 5);
            CollectorRun run;
            try (Following following = Following.start(fixture.directory(), "-n", "5", "--follow")) {
                run = assertTimeoutPreemptively(TIMEOUT, () -> {
                    following.await(out -> numbers(out).equals(range(0, 5)));
                    appendNumbered(ring, 5, 305); // far more than the ring holds, between two polls
                    ArenaFile.cleanShutdown(fixture.arena());
                    return following.end();
                });
            }
            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            int expected = 0;
            int lostLines = 0;
            for (String line : run.out().lines().toList()) {
                Matcher lost = Pattern.compile("^\\.\\.\\. (\\d+) records? lost \\(the ring wrapped past them before they were read\\)$").matcher(line);
                if (lost.matches()) {
                    expected += Integer.parseInt(lost.group(1));
                    lostLines++;
                } else {
                    Matcher record = NUMBERED.matcher(line);
                    assertTrue(record.matches(), line + "\n" + run);
                    assertEquals(expected, Integer.parseInt(record.group(1)), "each record is the next one or the lost line says why not\n" + run);
                    expected++;
                }
            }
            assertEquals(305, expected, run.toString());
            assertTrue(lostLines >= 1, run.toString());
        }
    }

    /**
     * Standard output closed (a pipe whose reader went away): exit 4 with one line, and a follow
     * ends at once instead of polling for nobody.
     */
    @Test
    void closedStandardOutput() throws Exception {
        try (DumpFixture fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.self())) {
            appendThree(fixture.logRing(4096));
            fixture.kinfo("kmemdump-test");
            for (String[] args : List.of(new String[] {"log", fixture.directory().toString()},
                    new String[] {"log", fixture.directory().toString(), "--follow"})) {
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                PrintStream closed = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
                closed.close(); // a closed PrintStream fails every write: checkError() is true, as after EPIPE
                int code = assertTimeoutPreemptively(TIMEOUT, () -> Collector.run(args, closed, new PrintStream(err, true, StandardCharsets.UTF_8)));
                assertEquals(ExitCode.OUTPUT_FAILED.code(), code, String.join(" ", args) + ": " + err);
                assertEquals("kmemdump-collector: standard output could not be written (closed?)\n", err.toString(StandardCharsets.UTF_8));
            }
        }
    }

    /**
     * The collector running {@code log --follow} on a thread of its own, its output read while it
     * runs; closing interrupts it, which ends a follow that a failed test left running.
     */
    private record Following(Thread thread, ByteArrayOutputStream out, ByteArrayOutputStream err, AtomicInteger exitCode)
            implements AutoCloseable {
        static Following start(Path directory, String... options) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            AtomicInteger exitCode = new AtomicInteger(-1);
            List<String> args = new ArrayList<>(List.of("log", directory.toString()));
            args.addAll(List.of(options));
            Thread thread = new Thread(() -> exitCode.set(Collector.run(args.toArray(String[]::new),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))), "log --follow");
            thread.start();
            return new Following(thread, out, err, exitCode);
        }

        void await(Predicate<CollectorRun> printed) throws InterruptedException {
            while (!printed.test(snapshot())) {
                assertTrue(thread.isAlive(), "the collector ended early: " + snapshot());
                Thread.sleep(10);
            }
        }

        CollectorRun end() throws InterruptedException {
            thread.join();
            return snapshot();
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }

        private CollectorRun snapshot() {
            return new CollectorRun(exitCode.get(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    private static CollectorRun log(Path directory, String... options) {
        List<String> args = new ArrayList<>(List.of("log", directory.toString()));
        args.addAll(List.of(options));
        return CollectorRun.of(args.toArray(String[]::new));
    }

    /** @return the numbers of the {@code m N} records printed, in order; every other line must be a lost line */
    private static List<Integer> numbers(CollectorRun run) {
        List<Integer> numbers = new ArrayList<>();
        for (String line : run.out().lines().toList()) {
            Matcher record = NUMBERED.matcher(line);
            if (record.matches()) {
                numbers.add(Integer.parseInt(record.group(1)));
            } else {
                assertTrue(line.startsWith("... "), "not a record line: " + line + "\n" + run);
            }
        }
        return numbers;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> range = new ArrayList<>();
        for (int i = from; i < to; i++) {
            range.add(i);
        }
        return range;
    }
}
