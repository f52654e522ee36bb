package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.kmemdump.collector.FileEdits.withByte;
import static org.kmemdump.collector.FileEdits.withLong;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.SnapshotBuffers;
import org.kmemdump.format.ThreadsSnapshot;
import org.kmemdump.format.ThreadsSnapshot.Monitor;
import org.kmemdump.format.ThreadsSnapshot.Snapshot;
import org.kmemdump.format.ThreadsSnapshot.ThreadEntry;
import org.kmemdump.format.ThreadsSnapshot.Trigger;
import org.kmemdump.format.ThreadsText;

/**
 * {@code threads} and the threads line of {@code inspect} on untrusted input: a bit flipped in
 * every byte written in the threads zone, absurd buffer capacities, a truncated arena, no zone 8. Every run
 * ends in time with exit 0 or 3, at most one line of error and no stack trace, and what
 * {@code threads} prints is one of the two snapshots written, whole: never a mix, never garbage.
 */
class ThreadsCorruptInputTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Set<Integer> ALLOWED = Set.of(ExitCode.OK.code(), ExitCode.BAD_INPUT.code());
    private static final long T0 = 1_704_164_645_006L;
    /** Bytes of each buffer the two snapshots fill, and a few more. */
    private static final long USED = 400;

    @TempDir
    static Path temp;
    private static DumpFixture fixture;
    private static MemorySegment zone;
    private static String older;
    private static String newer;

    @BeforeAll
    static void buildDirectory() throws IOException, InterruptedException {
        fixture = DumpFixture.arenaOnly(temp.resolve("dump"), DumpFixture.Owner.dead());
        ThreadsSnapshot threads = fixture.threadsZone(ThreadsSnapshot.MIN_ZONE_SIZE);
        zone = fixture.zone(8).memory();
        older = text(threads, new Snapshot(0, T0, 1000, Trigger.PERIODIC, List.of(thread(1, "main", "Main.run")), 0));
        newer = text(threads, new Snapshot(0, T0 + 10_000, 2000, Trigger.WATCHDOG,
                List.of(thread(1, "main", "Main.run"), thread(2, "worker\u001b[31m", "Worker.loop")), 4));
        CollectorRun run = check(fixture.directory(), "the intact directory");
        assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
        assertTrue(whole(run, newer) && run.out().contains("\"worker?[31m\" #2"), run.toString());
    }

    private static ThreadEntry thread(long id, String name, String frame) {
        return new ThreadEntry(id, name, Thread.State.BLOCKED, 0, 5, 42, "java.lang.Object@1", 9, "other", List.of(frame + "(X.java:1)"),
                3, List.of(new Monitor("java.lang.Object@2", 0)), List.of("java.util.concurrent.locks.ReentrantLock$NonfairSync@3"));
    }

    /** Writes the snapshot and returns its text as {@code threads} prints it after the two heading lines. */
    private static String text(ThreadsSnapshot threads, Snapshot snapshot) {
        long sequence = threads.write(snapshot);
        Snapshot written = new Snapshot(sequence, snapshot.time(), snapshot.tookNanos(), snapshot.trigger(), snapshot.threads(),
                snapshot.threadsOmitted());
        return ThreadsText.heading(written) + "\n\n" + ThreadsText.threads(written, TerminalText::clean).replace("\u001b", "?");
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    /** Every byte of the header and of both buffers' written part (the rest of each buffer is never read). */
    @Test
    void bitFlipsInEveryByteWritten() {
        long buffer = SnapshotBuffers.BUFFER_HEADER + SnapshotBuffers.capacityOf(zone.byteSize());
        for (long at = 0; at < zone.byteSize(); at = (at - SnapshotBuffers.HEADER_LENGTH) % buffer == USED ? at + buffer - USED : at + 1) {
            String what = "threads zone byte " + at;
            CollectorRun run = withByte(zone, at, (byte) (zone.get(ValueLayout.JAVA_BYTE, at) ^ (1 << (at % 8))),
                    () -> check(fixture.directory(), what));
            if (run.exitCode() == ExitCode.OK.code()) {
                assertTrue(whole(run, newer) || whole(run, older), what + ": not a snapshot written\n" + run);
            }
        }
    }

    @Test
    void absurdBufferCapacities() {
        for (long capacity : List.of(0L, 7L, 47L, 1L << 40, -8L, zone.byteSize())) {
            String what = "buffer_capacity " + capacity;
            CollectorRun run = withLong(zone, SnapshotBuffers.BUFFER_CAPACITY, capacity, () -> check(fixture.directory(), what));
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), what + "\n" + run);
            assertTrue(run.err().contains("buffer_capacity"), what + "\n" + run);
        }
    }

    @Test
    void truncatedArena() throws IOException {
        long zoneEnd = zone.address() - fixture.arena().address() + zone.byteSize();
        for (long length : List.of(0L, 100L, (long) ArenaFile.ZONES_START, zoneEnd - 1)) {
            Path copy = FileEdits.copy(fixture.directory(), temp.resolve("cut" + length), ArenaFile.FILE_NAME);
            FileEdits.resize(copy.resolve(ArenaFile.FILE_NAME), length);
            CollectorRun run = check(copy, "arena cut to " + length);
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), length + "\n" + run);
        }
    }

    @Test
    void noThreadsZone() throws IOException {
        Path copy = FileEdits.copy(fixture.directory(), temp.resolve("none"), ArenaFile.FILE_NAME);
        FileEdits.edit(copy.resolve(ArenaFile.FILE_NAME), arena -> arena.asSlice(DumpFixture.directoryEntry(8),
                org.kmemdump.format.ZoneDirectory.ENTRY_SIZE).fill((byte) 0));
        CollectorRun run = check(copy, "no zone 8");
        assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
        assertTrue(run.err().contains("lists no zone 8 (threads)"), run.toString());
    }

    private static boolean whole(CollectorRun run, String snapshot) {
        List<String> lines = run.out().lines().toList();
        // line 2 is the age, which changes with the clock
        return run.out().startsWith(snapshot.lines().findFirst().orElseThrow() + "\n")
                && String.join("\n", lines.subList(2, lines.size())).equals(String.join("\n", snapshot.lines().skip(1).toList()));
    }

    /** Runs {@code threads} and {@code inspect}: each ends in time, with an allowed exit, at most one line of error and no stack trace. */
    private static CollectorRun check(Path directory, String what) {
        CollectorRun threads = assertTimeoutPreemptively(TIMEOUT, () -> CollectorRun.of("threads", directory.toString()), what);
        CollectorRun inspect = assertTimeoutPreemptively(TIMEOUT, () -> CollectorRun.of("inspect", directory.toString()), what);
        for (CollectorRun run : List.of(threads, inspect)) {
            assertTrue(ALLOWED.contains(run.exitCode()) || run == inspect && run.exitCode() == ExitCode.INCOMPLETE.code(), what + ": " + run);
            assertFalse(run.err().contains("Exception") || run.err().contains("at org.") || run.err().contains("at java."), what + ": " + run);
            assertTrue(run.err().lines().count() <= 1, what + ": " + run);
        }
        assertTrue(inspect.out().isEmpty() || inspect.out().contains("\nthreads:   "), what + ": " + inspect);
        return threads;
    }
}
