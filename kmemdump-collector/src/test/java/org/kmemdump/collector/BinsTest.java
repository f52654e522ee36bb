package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.Elf64;

/** --bins: one md_<name>.BIN per region, as the firmware writes them, and never a file outside BINDIR. */
class BinsTest {
    @TempDir
    Path temp;

    @Test
    void oneFilePerRegionWithItsExactBytes() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            Path bins = temp.resolve("bins");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString(),
                    "--bins", bins.toString());

            assertEquals(ExitCode.OK.code(), run.exitCode(), run.toString());
            assertEquals(fixture.zones().size(), list(bins).size(), list(bins).toString());
            for (DumpFixture.Zone zone : fixture.zones()) {
                Path bin = bins.resolve("md_" + zone.name() + ".BIN");
                // the firmware copies the table's size: rounded up to 4, the arena's zero padding included
                assertArrayEquals(Arrays.copyOf(zone.bytes(), (int) Elf64.align4(zone.memory().byteSize())), Files.readAllBytes(bin), zone.name());
                assertEquals(OutputFile.OWNER_ONLY, Files.getPosixFilePermissions(bin), zone.name());
            }
        }
    }

    @Test
    void unsafeAndDuplicateNamesAreRefused() throws Exception {
        try (DumpFixture fixture = DumpFixture.withoutCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            MemorySegment spare = fixture.arena().asSlice(DumpFixture.ARENA_LENGTH - 64, 16);
            fixture.append(60, "../escape", spare);
            fixture.append(61, "five", spare);
            Path bins = temp.resolve("bins");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", temp.resolve("core.elf").toString(),
                    "--bins", bins.toString());

            assertEquals(ExitCode.INCOMPLETE.code(), run.exitCode(), run.toString());
            assertTrue(run.out().contains("refused: name '../escape' is not a safe file name"), run.toString());
            assertTrue(run.out().contains("refused: md_five.BIN is already written for region 49"), run.toString());
            assertEquals(fixture.zones().size() - 2, list(bins).size(), list(bins).toString());
            assertEquals(List.of("bins", "core.elf", "dump"), list(temp), "nothing written beside BINDIR");
            assertEquals(fixture.zones().size(), CoreSegments.of(Files.readAllBytes(temp.resolve("core.elf"))).loads().size(),
                    "refused names still have their bytes in the core");
        }
    }

    private static List<String> list(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
