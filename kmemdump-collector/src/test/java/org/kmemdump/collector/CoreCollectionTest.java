package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.format.ArenaFile;
import org.kmemdump.format.KnownZones;

/** The library as the runtime will call it: no command line, one report rendered as text and as JSON. */
class CoreCollectionTest {
    @TempDir
    Path temp;

    @Test
    void oneReportRenderedAsTextAndJson() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            fixture.addProcessZone(KnownZones.USER_END, "native", Arena.ofAuto().allocate(16)); // not in the arena, its owner gone: lost
            Path core = temp.resolve("core.elf");
            CollectReport report = CoreCollection.collect(fixture.directory(), core, null, Progress.NONE);

            assertTrue(Files.size(core) > 0);
            assertEquals(Files.size(core), report.coreSize());
            assertEquals(1, report.incomplete(), report.zones().toString());
            assertTrue(report.problems().contains("1 of " + report.zones().size() + " regions lost or refused"), report.problems());

            String text = CollectText.render(report);
            Map<?, ?> json = (Map<?, ?>) MiniJson.parse(CollectJson.render(report));
            List<?> zones = (List<?>) json.get("regions");
            assertEquals(report.zones().size(), zones.size());
            for (int i = 0; i < zones.size(); i++) {
                ZoneResult zone = report.zones().get(i);
                Map<?, ?> row = (Map<?, ?>) zones.get(i);
                assertEquals((long) zone.zone().id(), row.get("id"));
                assertEquals(zone.outcome().status().text(), row.get("outcome"));
                assertTrue(text.contains(zone.outcome().text()), text);
            }
            assertEquals(report.problems(), json.get("problems"));
            assertEquals(core.toString(), json.get("core"));
            assertTrue(text.contains("wrote " + core + ": " + report.coreSize() + " bytes"), text);
        }
    }

    @Test
    void failuresSayWhatKind() throws Exception {
        try (DumpFixture fixture = DumpFixture.withCoreimage(temp.resolve("dump"), DumpFixture.Owner.dead()).standardZones()) {
            Path arena = fixture.directory().resolve(ArenaFile.FILE_NAME);
            byte[] before = Files.readAllBytes(arena);
            Failure overInput = assertThrows(Failure.class,
                    () -> CoreCollection.collect(fixture.directory(), arena, null, Progress.NONE));
            assertEquals(Failure.Kind.ARGUMENT, overInput.kind());
            assertArrayEquals(before, Files.readAllBytes(arena), "the input is left as it was");

            Failure noOutput = assertThrows(Failure.class,
                    () -> CoreCollection.collect(fixture.directory(), temp.resolve("missing/core.elf"), null, Progress.NONE));
            assertEquals(Failure.Kind.OUTPUT, noOutput.kind());
            assertFalse(Files.exists(temp.resolve("missing")));

            Failure noArena = assertThrows(Failure.class,
                    () -> Inspection.inspect(temp.resolve("nowhere")));
            assertEquals(Failure.Kind.INPUT, noArena.kind());
            assertNull(noArena.getCause());
        }
    }
}
