package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.SmemFile;

/** A crash entry collected as the runtime does at start, and listed as {@code collector crashes} lists it. */
class CrashCollectionTest {
    private static final long T0 = 1_764_633_600_000L;

    @TempDir
    Path temp;

    private Path entry(DumpFixture.Owner owner) {
        return owner.crashEntry(temp.resolve("dump"));
    }

    @Test
    void anEntryGetsItsCoreAndSummaryAndItsRawFilesAreDropped() throws Exception {
        DumpFixture.Owner owner = DumpFixture.Owner.dead();
        Path entry = entry(owner);
        byte[] expected;
        try (DumpFixture fixture = DumpFixture.withCoreimage(entry, owner).standardZones()) {
            expected = fixture.concatenation();
            CrashSummary summary = CrashCollection.collect(entry, false);
            assertEquals(List.of(), summary.collected().zones().stream().filter(zone -> !zone.outcome().ok()).toList());
        }
        assertArrayEquals(expected, CoreSegments.zonesOf(entry.resolve(CrashEntry.CORE)), "the same core collect writes");
        assertFalse(Files.exists(entry.resolve(ArenaFile.FILE_NAME)), "the raw arena is dropped by default");
        assertFalse(Files.exists(entry.resolve(SmemFile.FILE_NAME)), "and the table");
        Map<String, String> head = CrashSummary.head(entry);
        assertEquals(Long.toString(owner.pid()), head.get(CrashSummary.PID));
        assertEquals(CrashFacts.time(owner.startTime()), head.get(CrashSummary.STARTED));
        assertTrue(head.get(CrashSummary.ENDED).startsWith(RunEnd.Kind.UNKNOWN.text + "; the heartbeat stopped at "), head.toString());
        assertTrue(head.get(CrashSummary.ZONES).endsWith(" ok, 0 lost"), head.toString());
        assertEquals("dropped after the collection", head.get(CrashSummary.RAW));
        String json = Files.readString(entry.resolve(CrashEntry.SUMMARY_JSON));
        assertTrue(json.startsWith("{\"id\":\"" + entry.getFileName() + "\",\"pid\":" + owner.pid() + ","), json);
        assertTrue(CrashSummary.collected(entry));
    }

    @Test
    void theSummaryEndsWithTheLastLogRecordsAndKeptRawFilesStay() throws Exception {
        DumpFixture.Owner owner = DumpFixture.Owner.dead();
        Path entry = entry(owner);
        try (DumpFixture fixture = DumpFixture.withCoreimage(entry, owner).standardZones()) {
            LogRing ring = fixture.logRing(4096);
            ring.append(T0, 12, LogRing.Level.INFO, "org.example.app", "started", null);
            ring.append(T0 + 94, 13, LogRing.Level.ERROR, "org.example.db", "connection failed", "java.sql.SQLException: timeout");
            CrashCollection.collect(entry, true);
        }
        String text = Files.readString(entry.resolve(CrashEntry.SUMMARY_TEXT));
        assertTrue(text.endsWith("last log records:\n"
                + "  2025-12-02T00:00:00.000Z INFO org.example.app started\n"
                + "  2025-12-02T00:00:00.094Z ERROR org.example.db connection failed / java.sql.SQLException: timeout\n"), text);
        assertTrue(Files.exists(entry.resolve(ArenaFile.FILE_NAME)), "kept by configuration");
        assertEquals("kept", CrashSummary.head(entry).get(CrashSummary.RAW));
    }

    @Test
    void aCorruptEntryKeepsItsRawFilesAndItsSummarySaysWhy() throws Exception {
        Path entry = Files.createDirectories(temp.resolve("dump").resolve(CrashEntry.CRASHES).resolve(CrashEntry.unreadableId(T0)));
        Files.write(entry.resolve(ArenaFile.FILE_NAME), new byte[100]);
        CrashSummary summary = CrashCollection.collect(entry, false);
        assertEquals(null, summary.collected());
        assertTrue(Files.exists(entry.resolve(ArenaFile.FILE_NAME)), "the evidence stays");
        assertFalse(Files.exists(entry.resolve(CrashEntry.CORE)));
        String core = CrashSummary.head(entry).get(CrashSummary.CORE);
        assertTrue(core.startsWith("not collected: the run's arena could not be read (unknown: ") && core.contains("truncated"), core);
        assertEquals("unknown", CrashSummary.head(entry).get(CrashSummary.PID));
    }

    /**
     * A full disk while collecting, on a real one: a 1 MiB tmpfs (mounting needs root, as the tests
     * run here) filled up to the last pages, which hold the summary but not the core.
     */
    @Test
    void aFullDiskKeepsTheRawFilesAndTheSummarySaysWhy() throws Exception {
        Path disk = Files.createDirectories(temp.resolve("disk"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString()).redirectErrorStream(true).start();
        String mounted = new String(mount.getInputStream().readAllBytes());
        Assumptions.assumeTrue(mount.waitFor() == 0, "mount -t tmpfs needs root: " + mounted);
        try {
            DumpFixture.Owner owner = DumpFixture.Owner.dead();
            Path entry = disk.resolve(CrashEntry.id(owner.startTime(), owner.pid()));
            try (DumpFixture fixture = DumpFixture.withCoreimage(entry, owner).standardZones()) {
                Path filler = disk.resolve("filler");
                try (FileChannel channel = FileChannel.open(filler, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer page = ByteBuffer.allocate(4096);
                    try {
                        while (true) {
                            channel.write(page.clear());
                        }
                    } catch (IOException full) {
                        channel.truncate(channel.size() - 4 * 4096); // room for the summary, not for the core
                    }
                }
                CrashSummary summary = CrashCollection.collect(entry, false);
                assertEquals(null, summary.collected());
            }
            assertTrue(Files.exists(entry.resolve(ArenaFile.FILE_NAME)) && Files.exists(entry.resolve(SmemFile.FILE_NAME)), "the evidence stays");
            assertFalse(Files.exists(entry.resolve(CrashEntry.CORE)), "no half-written core");
            Map<String, String> head = CrashSummary.head(entry);
            assertTrue(head.get(CrashSummary.CORE).startsWith("not collected: ") && head.get(CrashSummary.CORE).contains("No space left on device"),
                    head.toString());
            assertEquals("kept", head.get(CrashSummary.RAW));
        } finally {
            new ProcessBuilder("umount", disk.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void crashesListsEveryEntryOldestFirstAsTextAndJson() throws Exception {
        DumpFixture.Owner first = DumpFixture.Owner.dead();
        try (DumpFixture fixture = DumpFixture.withCoreimage(entry(first), first).standardZones()) {
            CrashCollection.collect(entry(first), false);
        }
        DumpFixture.Owner second = new DumpFixture.Owner(first.pid() + 1, first.startTime() + 1000);
        try (DumpFixture fixture = DumpFixture.withCoreimage(entry(second), second).standardZones()) {
            CollectorRun text = CollectorRun.of("crashes", temp.resolve("dump").toString());
            assertEquals(ExitCode.OK.code(), text.exitCode(), text.toString());
            List<String> lines = text.out().lines().toList();
            assertEquals(5, lines.size(), text.toString());
            assertTrue(lines.get(1).startsWith(CrashFacts.time(first.startTime()) + " " + first.pid()), lines.get(1));
            assertTrue(lines.get(1).contains(" ok, 0 lost"), lines.get(1));
            assertEquals(entry(first).toString(), lines.get(2).trim());
            assertTrue(lines.get(3).contains("not collected yet"), lines.get(3));

            CollectorRun json = CollectorRun.of("crashes", temp.resolve("dump").toString(), "--json");
            assertEquals(ExitCode.OK.code(), json.exitCode(), json.toString());
            assertTrue(json.out().startsWith("{\"crashes\":[{\"id\":\"" + entry(first).getFileName() + "\""), json.out());
            assertTrue(json.out().contains("\"zones\":\"not collected yet\""), json.out());
        }
    }

    @Test
    void anEmptyStoreIsSaidAndAMissingDirectoryIsBadInput() throws Exception {
        Files.createDirectories(temp.resolve("dump"));
        CollectorRun empty = CollectorRun.of("crashes", temp.resolve("dump").toString());
        assertEquals(ExitCode.OK.code(), empty.exitCode(), empty.toString());
        assertEquals("no crash entries\n", empty.out());
        CollectorRun missing = CollectorRun.of("crashes", temp.resolve("nowhere").toString());
        assertEquals(ExitCode.BAD_INPUT.code(), missing.exitCode(), missing.toString());
        assertEquals("kmemdump-collector: " + temp.resolve("nowhere") + ": no such directory\n", missing.err());
    }

    /** A store that is a link or a file is refused, never followed or taken for an empty store. */
    @Test
    void aCrashStoreThatIsNotADirectoryIsBadInput() throws Exception {
        Path other = Files.createDirectories(temp.resolve("elsewhere"));
        Files.createDirectories(temp.resolve("linked"));
        Files.createSymbolicLink(temp.resolve("linked").resolve(CrashEntry.CRASHES), other);
        Files.createDirectories(temp.resolve("file"));
        Files.writeString(temp.resolve("file").resolve(CrashEntry.CRASHES), "not a store");
        for (String directory : List.of("linked", "file")) {
            CollectorRun run = CollectorRun.of("crashes", temp.resolve(directory).toString());
            assertEquals(ExitCode.BAD_INPUT.code(), run.exitCode(), run.toString());
            assertEquals("kmemdump-collector: " + temp.resolve(directory).resolve(CrashEntry.CRASHES)
                    + ": not a directory (a link or a file): no crash store there\n", run.err());
        }
        assertEquals(List.of(), CrashListing.entries(temp.resolve("linked").resolve(CrashEntry.CRASHES)), "entries never follow a link");
    }
}
