package org.kmemdump.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kmemdump.collector.cli.ExitCode;
import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.LogRing;
import org.kmemdump.format.RunFiles;

/**
 * What the announcement at start, the summary and the listings say of a crash entry, from real
 * rings and entries: the log line that tells how the run ended, and the entry's fatal core.
 */
class CrashAnnouncementTest {
    private static final long T0 = 1_764_633_600_000L;
    private static final String ERROR_LINE = "2025-12-02T00:00:00.094Z ERROR org.example.db connection failed / java.sql.SQLException: timeout";

    @TempDir
    Path temp;

    private Path entry(DumpFixture.Owner owner) {
        return owner.crashEntry(temp.resolve("dump"));
    }

    /**
     * Makes the entry of a dead run whose log ring holds what {@code records} appends, reads its
     * facts as the announcement does, then collects it as the automatic collection does.
     *
     * @return the facts, and the entry's summary head and JSON
     */
    private Said crashWithLog(Consumer<LogRing> records) throws Exception {
        DumpFixture.Owner owner = DumpFixture.Owner.dead();
        Path entry = entry(owner);
        CrashFacts facts;
        try (DumpFixture fixture = DumpFixture.withCoreimage(entry, owner).standardZones()) {
            records.accept(fixture.logRing(16 * 1024));
            facts = CrashFacts.read(entry);
            CrashCollection.collect(entry, false);
        }
        return new Said(facts, CrashSummary.head(entry), (Map<?, ?>) MiniJson.parse(Files.readString(entry.resolve(CrashEntry.SUMMARY_JSON))));
    }

    private record Said(CrashFacts facts, Map<String, String> head, Map<?, ?> json) {
    }

    /** The ERROR is older than the newest records the summary lists: the whole ring is searched for it. */
    @Test
    void theNewestWarnOrErrorIsTheLastWordEvenBehindManyDebugEvents() throws Exception {
        Said said = crashWithLog(ring -> {
            ring.append(T0, 13, LogRing.Level.WARN, "org.example.db", "slow query", null);
            ring.append(T0 + 94, 13, LogRing.Level.ERROR, "org.example.db", "connection failed", "java.sql.SQLException: timeout");
            for (int n = 0; n < 2 * CrashFacts.LOG_RECORDS; n++) {
                ring.append(T0 + 100 + n, 0, LogRing.Level.DEBUG, "org.apache.felix.framework", "ServiceEvent MODIFIED", null);
            }
        });
        assertTrue(said.facts().announcement().endsWith("; its last WARN or ERROR: " + ERROR_LINE), said.facts().announcement());
        assertTrue(said.facts().lastLogLine().endsWith(" DEBUG org.apache.felix.framework ServiceEvent MODIFIED"), said.facts().lastLogLine());
        assertEquals(ERROR_LINE, said.head().get(CrashSummary.LAST_WARN_OR_ERROR));
        assertEquals(ERROR_LINE, said.json().get("lastWarnOrError"));
    }

    @Test
    void withoutAWarnOrErrorTheLastRecordIsSaidToBeJustThat() throws Exception {
        Said said = crashWithLog(ring -> {
            ring.append(T0, 12, LogRing.Level.INFO, "org.example.app", "started", null);
            ring.append(T0 + 5, 0, LogRing.Level.DEBUG, "org.apache.felix.framework", "ServiceEvent MODIFIED", null);
        });
        assertTrue(said.facts().announcement().endsWith("; its last log line (no WARN or ERROR found): "
                + "2025-12-02T00:00:00.005Z DEBUG org.apache.felix.framework ServiceEvent MODIFIED"), said.facts().announcement());
        assertEquals("none found", said.head().get(CrashSummary.LAST_WARN_OR_ERROR));
        assertTrue(said.json().containsKey("lastWarnOrError") && said.json().get("lastWarnOrError") == null, said.json().toString());
    }

    /** A collected entry and one not collected yet, each with a fatal core, and one without. */
    @Test
    void theListingAndTheAnnouncementNameAnEntrysFatalCore() throws Exception {
        DumpFixture.Owner collected = DumpFixture.Owner.dead();
        DumpFixture.Owner pending = new DumpFixture.Owner(collected.pid() + 1, collected.startTime() + 1000);
        DumpFixture.Owner without = new DumpFixture.Owner(collected.pid() + 2, collected.startTime() + 2000);
        try (DumpFixture first = DumpFixture.withCoreimage(entry(collected), collected).standardZones();
                DumpFixture second = DumpFixture.withCoreimage(entry(pending), pending).standardZones();
                DumpFixture third = DumpFixture.withCoreimage(entry(without), without).standardZones()) {
            for (DumpFixture.Owner owner : List.of(collected, pending)) {
                Files.writeString(entry(owner).resolve(RunFiles.FATAL_CORE), "the core the fatal command took");
            }
            CrashCollection.collect(entry(collected), false);
            Path fatalCore = entry(pending).resolve(RunFiles.FATAL_CORE);
            String announcement = CrashFacts.read(entry(pending)).announcement();
            assertTrue(announcement.contains("; its fatal core (the richer one): " + fatalCore + "; "), announcement);
            assertTrue(!CrashFacts.read(entry(without)).announcement().contains("fatal core"), "only an entry with one names it");

            CollectorRun text = CollectorRun.of("crashes", temp.resolve("dump").toString());
            assertEquals(ExitCode.OK.code(), text.exitCode(), text.toString());
            List<String> lines = text.out().lines().map(String::trim).toList();
            assertEquals(List.of(entry(collected).toString(), "fatal core (the richer one): " + entry(collected).resolve(RunFiles.FATAL_CORE),
                    entry(pending).toString(), "fatal core (the richer one): " + fatalCore, entry(without).toString()),
                    lines.stream().filter(line -> line.startsWith("/") || line.startsWith("fatal core")).toList(), text.out());

            CollectorRun json = CollectorRun.of("crashes", temp.resolve("dump").toString(), "--json");
            List<?> rows = (List<?>) ((Map<?, ?>) MiniJson.parse(json.out())).get("crashes");
            assertEquals(List.of(entry(collected).resolve(RunFiles.FATAL_CORE).toString(), fatalCore.toString()),
                    rows.stream().map(row -> ((Map<?, ?>) row).get("fatalCore")).limit(2).toList(), json.out());
            assertTrue(((Map<?, ?>) rows.get(2)).containsKey("fatalCore") && ((Map<?, ?>) rows.get(2)).get("fatalCore") == null, json.out());
        }
    }
}
