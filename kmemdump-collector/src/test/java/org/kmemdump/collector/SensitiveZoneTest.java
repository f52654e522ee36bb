package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.ZoneDirectory;

/**
 * A zone the arena's zone directory flags sensitive is listed but its bytes are written only with
 * {@code --include-sensitive}: in a coreimage (zeros under its PT_LOAD), in a synthesized core (no
 * PT_LOAD), in {@code --bins} (no file). As the runtime does, the minidump table does not list it.
 */
class SensitiveZoneTest {
    private static final byte[] SECRET = "hunter2-the-secret-key-bytes".getBytes(StandardCharsets.US_ASCII);
    private static final int SECRET_ID = 60;

    @TempDir
    Path temp;

    private DumpFixture sensitive(DumpFixture fixture) {
        DumpFixture.Zone zone = fixture.addArenaZone(SECRET_ID, "keys", SECRET);
        fixture.removeFromTable(SECRET_ID);
        fixture.zoneDirectory().set(SECRET_ID, "keys", zone.address(), SECRET.length, ZoneDirectory.SENSITIVE);
        return fixture;
    }

    @Test
    void aCoreimageHasZerosForItUnlessAskedFor() throws Exception {
        checkBothWays(path -> DumpFixture.withCoreimage(path, DumpFixture.Owner.dead()), true);
    }

    @Test
    void aSynthesizedCoreHasNoLoadForItUnlessAskedFor() throws Exception {
        checkBothWays(path -> DumpFixture.withoutCoreimage(path, DumpFixture.Owner.dead()), false);
    }

    private interface FixtureMaker {
        DumpFixture make(Path directory) throws Exception;
    }

    private void checkBothWays(FixtureMaker maker, boolean coreimage) throws Exception {
        try (DumpFixture fixture = sensitive(maker.make(temp.resolve("dump")).standardZones())) {
            Path core = temp.resolve("core.elf");
            Path bins = temp.resolve("bins");
            CollectorRun run = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString(), "--bins", bins.toString());

            assertEquals(ExitCode.OK.code(), run.exitCode(), "leaving a sensitive zone out is no failure: " + run);
            assertTrue(run.out().contains("keys") && run.out().contains("sensitive: not collected (collect --include-sensitive"), run.out());
            assertTrue(run.out().contains("1 sensitive not collected"), run.out());
            byte[] withheld = Files.readAllBytes(core);
            assertFalse(contains(withheld, SECRET), "the secret is not in the core");
            assertFalse(Files.exists(bins.resolve("md_keys.BIN")), "nor in a bin");
            if (coreimage) {
                byte[] expected = fixture.concatenation();
                int at = indexOf(expected, SECRET);
                Arrays.fill(expected, at, at + SECRET.length, (byte) 0);
                assertArrayEquals(expected, CoreSegments.zonesOf(core), "the core is the coreimage with zeros for the sensitive zone");
            } else {
                assertFalse(CoreSegments.of(withheld).loads().stream().anyMatch(load -> load.vaddr() == fixture.zone(SECRET_ID).address()),
                        "no PT_LOAD for it");
            }

            CollectorRun included = CollectorRun.of("collect", fixture.directory().toString(), "-o", core.toString(), "--bins",
                    temp.resolve("bins2").toString(), "--include-sensitive");
            assertEquals(ExitCode.OK.code(), included.exitCode(), included.toString());
            assertTrue(contains(Files.readAllBytes(core), SECRET), "--include-sensitive writes it");
            assertArrayEquals(SECRET, Files.readAllBytes(temp.resolve("bins2/md_keys.BIN")));
            if (coreimage) {
                assertArrayEquals(fixture.concatenation(), CoreSegments.zonesOf(core));
            }
        }
    }

    @Test
    void inspectShowsTheFlag() throws Exception {
        try (DumpFixture fixture = sensitive(DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones())) {
            CollectorRun text = CollectorRun.of("inspect", fixture.directory().toString());
            assertEquals(ExitCode.OK.code(), text.exitCode(), "a sensitive zone is no defect: " + text);
            assertTrue(text.out().contains("sensitive: not collected"), text.out());
            CollectorRun json = CollectorRun.of("inspect", fixture.directory().toString(), "--json");
            List<?> regions = (List<?>) ((Map<?, ?>) MiniJson.parse(json.out())).get("regions");
            Function<Object, Map<?, ?>> asMap = Map.class::cast;
            Map<?, ?> keys = regions.stream().map(asMap).filter(region -> "keys".equals(region.get("name"))).findFirst().orElseThrow();
            assertEquals(true, keys.get("sensitive"));
            assertEquals("sensitive", keys.get("outcome"));
            assertTrue(regions.stream().map(asMap).filter(region -> !"keys".equals(region.get("name")))
                    .allMatch(region -> Boolean.FALSE.equals(region.get("sensitive"))), json.out());
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        return indexOf(haystack, needle) >= 0;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int at = 0; at <= haystack.length - needle.length; at++) {
            if (Arrays.equals(haystack, at, at + needle.length, needle, 0, needle.length)) {
                return at;
            }
        }
        return -1;
    }
}
