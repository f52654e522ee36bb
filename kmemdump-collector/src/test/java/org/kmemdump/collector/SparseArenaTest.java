package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KnownZones;
import org.kmemdump.format.LittleEndian;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.ZoneDirectory;

/**
 * The adversary's sparse arena: 1 TiB with consistent length fields, zone 7 and its ring spanning
 * the file, head = capacity. On tmpfs a read of a hole through a mapping allocates a page, so the
 * arena lives in /dev/shm: readers must skip holes, not read them, and not take time for them.
 */
class SparseArenaTest {
    private static final long SPARSE_LENGTH = 1L << 40;
    private static final long SMALL_RING = 4096;
    private static final long WELL_UNDER_A_SECOND_MS = 1000;

    private Path temp;

    @BeforeEach
    void onTmpfs() throws IOException {
        Path shm = Path.of("/dev/shm");
        Assumptions.assumeTrue(Files.isDirectory(shm) && Files.isWritable(shm), "needs /dev/shm");
        temp = Files.createTempDirectory(shm, "kmemdump-sparse-");
    }

    @AfterEach
    void remove() throws IOException {
        try (Stream<Path> files = Files.walk(temp)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    @Test
    void logAndCollectSkipTheHoles() throws Exception {
        Path directory = sparseArena();
        Path arena = directory.resolve(ArenaFile.FILE_NAME);
        long allocated = allocatedBytes(arena);

        long started = System.nanoTime();
        CollectorRun log = CollectorRun.of("log", directory.toString());
        long logMs = (System.nanoTime() - started) / 1_000_000;

        assertEquals(ExitCode.OK.code(), log.exitCode(), log.toString());
        assertTrue(log.out().contains("before the holes"), log.toString());
        assertTrue(logMs < WELL_UNDER_A_SECOND_MS, "log took " + logMs + " ms over a 1 TiB sparse ring");
        assertEquals(allocated, allocatedBytes(arena), "the read-only log allocated memory for the arena's holes");

        Path core = temp.resolve("core.elf");
        CollectorRun collect = CollectorRun.of("collect", directory.toString(), "-o", core.toString(), "--bins", temp.resolve("bins").toString());

        assertEquals(ExitCode.OK.code(), collect.exitCode(), collect.toString());
        assertEquals(allocated, allocatedBytes(arena), "collect allocated memory for the arena's holes");
        assertTrue(allocatedBytes(core) <= 2 * allocated, "the core stores the holes: " + allocatedBytes(core) + " bytes for " + allocated);
        assertTrue(Files.size(core) > SPARSE_LENGTH - ArenaFile.ZONES_START, "the core still holds the whole zone, as holes");
        System.out.println("sparse 1 TiB arena on /dev/shm: log " + logMs + " ms; allocated: arena " + allocated + " bytes before and after,"
                + " core " + allocatedBytes(core));
    }

    /** A real ring with one record, then the file made 1 TiB (sparse) and every length field made to agree. */
    private Path sparseArena() throws Exception {
        Path directory = temp.resolve("dump");
        long ringOffset;
        try (DumpFixture fixture = DumpFixture.arenaOnly(directory, DumpFixture.Owner.dead())) {
            LogRing ring = fixture.logRing(SMALL_RING);
            ring.append(System.currentTimeMillis(), 1, LogRing.Level.INFO, "test", "before the holes", "");
            ringOffset = fixture.zone(KnownZones.LOG).address() - fixture.arena().address();
        }
        Path arena = directory.resolve(ArenaFile.FILE_NAME);
        FileEdits.resize(arena, SPARSE_LENGTH);
        long zoneSize = SPARSE_LENGTH - ringOffset;
        long capacity = LogRing.capacityOf(zoneSize);
        FileEdits.edit(arena, file -> {
            file.set(LittleEndian.U64, ArenaFile.LENGTH, SPARSE_LENGTH);
            file.set(LittleEndian.U64, DumpFixture.directoryEntry(KnownZones.LOG) + ZoneDirectory.SIZE, zoneSize);
            file.set(LittleEndian.U64, ringOffset + LogRing.CAPACITY, capacity);
            file.set(LittleEndian.U64, ringOffset + LogRing.HEAD, capacity);
        });
        return directory;
    }

    /** @return the file's allocated bytes (st_blocks), from stat(1): not the collector's own code */
    static long allocatedBytes(Path file) throws IOException, InterruptedException {
        Process stat = new ProcessBuilder("stat", "-c", "%b %B", file.toString()).start();
        String[] blocks = new String(stat.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
        assertEquals(0, stat.waitFor(), "stat " + file);
        return Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
    }
}
