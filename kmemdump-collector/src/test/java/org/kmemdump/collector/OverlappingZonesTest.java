package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ZoneDirectory;

/**
 * Directory entries over the same bytes: a zone inside another (a registered slice) is legitimate
 * and collected, but the output stays bounded by the memory the zones cover.
 */
class OverlappingZonesTest {
    private static final long ARENA = 256 * 1024;
    private static final int ZONE = 64 * 1024;

    @TempDir
    Path temp;

    @Test
    void manyEntriesOverTheSameBytesDoNotMultiplyTheOutput() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead(), ARENA)) {
            DumpFixture.Zone zone = fixture.addArenaZone(10, "arena_zone", DumpFixture.pattern(ZONE, 3));
            ZoneDirectory directory = fixture.zoneDirectory();
            directory.set(11, "slice", zone.address() + 4096, 4096); // a slice of zone 10, registered as a zone
            for (int id = 12; id < ZoneDirectory.ENTRIES; id++) {
                directory.set(id, "copy" + id, zone.address(), ZONE);
            }
            Path core = temp.resolve("core.elf");
            Path bins = temp.resolve("bins");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString(), "--bins", bins.toString());

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().matches("(?s).*\\n *11 +slice .* ok.*"), run.toString());
            assertTrue(run.out().contains("refused: overlaps other zones"), run.toString());
            long bound = 4 * (ZONE + ARENA);
            assertTrue(Files.size(core) < bound, "core of " + Files.size(core) + " bytes from a " + ARENA + "-byte arena");
            assertTrue(total(bins) < bound, "bins of " + total(bins) + " bytes from a " + ARENA + "-byte arena");
        }
    }

    private static long total(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            long sum = 0;
            for (Path file : files.toList()) {
                sum += Files.size(file);
            }
            return sum;
        }
    }
}
