package org.kmemdump.directory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.CrashEntry;

/** The crash store, on real files: every unclean run kept, the clean one in stopped/, retention, interrupted steps finished. */
class CrashStoreTest {
    private static final long START = 1_764_633_600_000L; // 2025-12-02T00:00:00Z

    @TempDir
    Path temp;

    private final List<String> log = new ArrayList<>();

    private Path directory() throws IOException {
        return DirectoryLock.prepare(temp.resolve("kmemdump"));
    }

    /** The files a run of {@code pid} leaves: its arena (cleanly shut down or not) and a table naming it. */
    private void leaveRun(long pid, boolean clean) throws IOException {
        Path directory = directory();
        try (FileChannel channel = FileChannel.open(directory.resolve(ArenaFile.FILE_NAME), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE); Arena arena = Arena.ofConfined()) {
            MemorySegment file = channel.map(MapMode.READ_WRITE, 0, ArenaFile.ZONES_START + 4096, arena);
            ArenaFile.create(file, pid, START + pid * 1000, START + pid * 1000 + 500);
            if (clean) {
                ArenaFile.cleanShutdown(file);
            }
        }
        Files.writeString(directory.resolve("smem"), "table of " + pid);
    }

    private void claim(Retention retention) throws IOException {
        ClaimedDirectory claim = new ClaimedDirectory(directory(), retention);
        try {
            assertTrue(claim.problem().isEmpty(), claim.problem().toString());
        } finally {
            claim.release();
        }
    }

    private List<String> entries() throws IOException {
        try (Stream<Path> list = Files.list(directory().resolve(CrashEntry.CRASHES))) {
            return list.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    private static String id(long pid) {
        return CrashEntry.id(START + pid * 1000, pid);
    }

    @Test
    void everyUncleanRunOfACrashLoopIsKeptAndForeignFilesStay() throws IOException {
        Path directory = directory();
        Files.writeString(directory.resolve("notes.txt"), "mine");
        Files.writeString(directory.resolve("crash.elf"), "a core I collected");
        Files.createSymbolicLink(directory.resolve("link"), Path.of("/dev/null"));
        Files.createDirectory(directory.resolve("mine"));
        for (long pid = 1; pid <= 3; pid++) {
            leaveRun(pid, false);
            claim(Retention.DEFAULT);
        }
        assertEquals(List.of(id(1), id(2), id(3)), entries());
        for (long pid = 1; pid <= 3; pid++) {
            assertEquals("table of " + pid, Files.readString(directory.resolve(CrashEntry.CRASHES).resolve(id(pid)).resolve("smem")));
            assertTrue(Files.exists(directory.resolve(CrashEntry.CRASHES).resolve(id(pid)).resolve(ArenaFile.FILE_NAME)));
        }
        assertEquals("20251202-000001-000-1", id(1), "the id is the start time in UTC and the pid");
        assertEquals("mine", Files.readString(directory.resolve("notes.txt")));
        assertEquals("a core I collected", Files.readString(directory.resolve("crash.elf")));
        assertTrue(Files.isSymbolicLink(directory.resolve("link")));
        assertTrue(Files.isDirectory(directory.resolve("mine")));
    }

    @Test
    void onlyTheNewestCleanlyStoppedRunIsKept() throws IOException {
        leaveRun(1, true);
        claim(Retention.DEFAULT);
        leaveRun(2, true);
        claim(Retention.DEFAULT);
        Path stopped = directory().resolve(CrashEntry.STOPPED);
        assertEquals("table of 2", Files.readString(stopped.resolve("smem")));
        assertTrue(Files.exists(stopped.resolve(ArenaFile.FILE_NAME)));
        assertEquals(List.of(), entries(), "a clean run is no crash");
        assertFalse(Files.exists(directory().resolve(ArenaFile.FILE_NAME)));
    }

    @Test
    void theOldestEntriesBeyondTheCountArePrunedAndEachPruningIsLogged() throws IOException {
        for (long pid = 1; pid <= 12; pid++) {
            leaveRun(pid, false);
            claimLogged(Retention.DEFAULT);
        }
        List<String> expected = new ArrayList<>();
        for (long pid = 3; pid <= 12; pid++) {
            expected.add(id(pid));
        }
        assertEquals(expected, entries());
        List<String> prunes = log.stream().filter(line -> line.contains("pruned")).toList();
        assertEquals(2, prunes.size(), log.toString());
        assertTrue(prunes.get(0).contains(id(1)) && prunes.get(0).contains("more than 10 entries"), prunes.get(0));
    }

    @Test
    void theOldestEntriesBeyondTheBytesArePrunedButNeverTheNewest() throws IOException {
        for (long pid = 1; pid <= 3; pid++) {
            leaveRun(pid, false);
            claim(Retention.DEFAULT);
        }
        long one = Files.size(directory().resolve(CrashEntry.CRASHES).resolve(id(1)).resolve(ArenaFile.FILE_NAME)) + "table of 1".length();
        claimLogged(Retention.of(10, 2 * one, 0));
        assertEquals(List.of(id(2), id(3)), entries());
        claimLogged(Retention.of(10, 1, 0));
        assertEquals(List.of(id(3)), entries(), "the newest entry is kept whatever its size");
    }

    @Test
    void entriesOlderThanTheAgeArePruned() throws IOException {
        for (long pid = 1; pid <= 3; pid++) {
            leaveRun(pid, false);
            claim(Retention.DEFAULT);
        }
        FileTime old = FileTime.from(Instant.now().minus(Duration.ofDays(8)));
        for (long pid = 1; pid <= 2; pid++) {
            try (Stream<Path> files = Files.list(directory().resolve(CrashEntry.CRASHES).resolve(id(pid)))) {
                for (Path file : files.toList()) {
                    Files.setLastModifiedTime(file, old);
                }
            }
        }
        claimLogged(Retention.of(10, 0, 7));
        assertEquals(List.of(id(3)), entries());
        assertTrue(log.stream().anyMatch(line -> line.contains(id(1)) && line.contains("older than 7 days")), log.toString());
    }

    @Test
    void aMoveKilledHalfWayIsFinishedByTheNextStart() throws IOException {
        leaveRun(1, false);
        Path partial = Files.createDirectories(directory().resolve(CrashEntry.CRASHES).resolve(id(1) + CrashEntry.PARTIAL));
        Files.move(directory().resolve(ArenaFile.FILE_NAME), partial.resolve(ArenaFile.FILE_NAME));
        claim(Retention.DEFAULT);
        assertEquals(List.of(id(1)), entries());
        Path entry = directory().resolve(CrashEntry.CRASHES).resolve(id(1));
        assertTrue(Files.exists(entry.resolve(ArenaFile.FILE_NAME)));
        assertEquals("table of 1", Files.readString(entry.resolve("smem")), "the file the killed move had not reached yet");
    }

    @Test
    void aPruneKilledHalfWayIsFinishedAndAStoppedSwapToo() throws IOException {
        Path pruning = Files.createDirectories(directory().resolve(CrashEntry.CRASHES).resolve(id(1) + CrashEntry.PRUNING));
        Files.writeString(pruning.resolve("smem"), "half deleted");
        leaveRun(2, true);
        Path stoppedPartial = Files.createDirectory(directory().resolve(CrashEntry.STOPPED + CrashEntry.PARTIAL));
        Files.move(directory().resolve(ArenaFile.FILE_NAME), stoppedPartial.resolve(ArenaFile.FILE_NAME));
        claim(Retention.DEFAULT);
        assertEquals(List.of(), entries());
        assertEquals("table of 2", Files.readString(directory().resolve(CrashEntry.STOPPED).resolve("smem")));
        assertTrue(Files.exists(directory().resolve(CrashEntry.STOPPED).resolve(ArenaFile.FILE_NAME)));
        assertFalse(Files.exists(stoppedPartial));
    }

    /** The failed-arena sequence: A killed, B's arena left empty by a failed start, C starts: A's evidence stays. */
    @Test
    void anUnreadableArenaIsKeptAsAnEntryAndTheCrashBeforeItStays() throws IOException {
        leaveRun(1, false);
        claim(Retention.DEFAULT);
        Files.createFile(directory().resolve(ArenaFile.FILE_NAME));
        claimLogged(Retention.DEFAULT);
        List<String> entries = entries();
        assertEquals(2, entries.size(), entries.toString());
        assertEquals(id(1), entries.get(0));
        assertTrue(entries.get(1).endsWith("-" + CrashEntry.UNREADABLE), entries.toString());
        assertTrue(CrashEntry.isId(entries.get(1)));
        assertTrue(Files.exists(directory().resolve(CrashEntry.CRASHES).resolve(id(1)).resolve(ArenaFile.FILE_NAME)), "A's arena");
        assertTrue(log.stream().anyMatch(line -> line.startsWith("WARN") && line.contains("could not be read")), log.toString());
    }

    @Test
    void retentionOutOfRangeIsRefusedNamingTheValueAndChangesNothing() throws IOException {
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> Retention.of(0, 0, 0));
        assertEquals("crashes.count 0 is out of range (1 to 10000)", count.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Retention.of(10, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> Retention.of(10, 0, -1));
        for (long pid = 1; pid <= 3; pid++) {
            leaveRun(pid, false);
            claim(Retention.DEFAULT);
        }
        ClaimedDirectory claim = new ClaimedDirectory(directory(), Retention.DEFAULT);
        try {
            claim.bindLogger(RecordingLogger.into(log));
            claim.modified(config(0));
            assertEquals(3, entries().size(), "a refused retention prunes nothing");
            assertTrue(log.stream().anyMatch(line -> line.contains("crashes.count 0 is out of range")
                    && line.contains("keeps its retention, count 10")), log.toString());
            claim.modified(config(1));
            assertEquals(List.of(id(3)), entries(), "a valid change prunes at once");
        } finally {
            claim.release();
        }
    }

    private void claimLogged(Retention retention) throws IOException {
        ClaimedDirectory claim = new ClaimedDirectory(directory(), retention);
        claim.bindLogger(RecordingLogger.into(log));
        claim.release();
    }

    private static ClaimedDirectory.Config config(int count) {
        return new ClaimedDirectory.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ClaimedDirectory.Config.class;
            }

            @Override
            public int crashes_count() {
                return count;
            }

            @Override
            public long crashes_bytes() {
                return 0;
            }

            @Override
            public long crashes_age_days() {
                return 0;
            }

            @Override
            public boolean crashes_keep_raw() {
                return false;
            }
        };
    }
}
