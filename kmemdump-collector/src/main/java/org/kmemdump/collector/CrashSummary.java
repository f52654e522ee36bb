package org.kmemdump.collector;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.kmemdump.format.CrashEntry;

/**
 * What the automatic collection found and did for one crash entry, kept in it as
 * {@value CrashEntry#SUMMARY_TEXT} and {@value CrashEntry#SUMMARY_JSON}. The text begins with
 * {@code key: value} lines ({@link #head}), which the listings read back; the JSON is the same
 * for programs.
 *
 * @param facts     what the run's files say
 * @param collected the collection's report, or null when it failed
 * @param failure   why the collection failed, or null
 * @param rawKept   whether the run's raw files are still in the entry
 */
public record CrashSummary(CrashFacts facts, CollectReport collected, String failure, boolean rawKept) {
    public static final String PID = "pid";
    public static final String STARTED = "started";
    public static final String HEARTBEAT = "last heartbeat";
    public static final String ENDED = "how it ended";
    public static final String BACKEND = "backend";
    public static final String ZONES = "zones";
    public static final String CORE = "core";
    public static final String RAW = "raw files";
    public static final String FATAL_CORE = "fatal core";
    /** The newest WARN or ERROR record of the run's whole log ring: the newest records below are often DEBUG events. */
    public static final String LAST_WARN_OR_ERROR = "last WARN or ERROR";

    /** @return e.g. {@code 12 ok, 1 lost}, or {@code not collected} */
    public String zones() {
        if (collected == null) {
            return "not collected";
        }
        long lost = collected.incomplete();
        return (collected.zones().size() - lost - collected.withheld()) + " ok, " + lost + " lost"
                + (collected.withheld() == 0 ? "" : ", " + collected.withheld() + " sensitive not collected");
    }

    /** @return the core the collector's {@code fatal} command took from the dying JVM, or null when the entry has none */
    public Path fatalCore() {
        return CrashListing.fatalCore(facts.entry());
    }

    public String text() {
        StringBuilder text = new StringBuilder();
        head().forEach((key, value) -> text.append(key).append(": ").append(value).append('\n'));
        if (collected != null) {
            text.append('\n');
            ZoneTable.render(collected.zones(), text);
            ZoneTable.renderNotes(collected.notes(), text);
        }
        text.append("\nlast log records:\n");
        facts.lastLog().forEach(line -> text.append("  ").append(line).append('\n'));
        return text.toString();
    }

    public String json() {
        JsonWriter json = new JsonWriter().beginObject()
                .name("id").value(facts.id())
                .name("pid").value(facts.pid())
                .name("started").value(facts.started() == 0 ? null : CrashFacts.time(facts.started()))
                .name("lastHeartbeat").value(facts.heartbeat() == 0 ? null : CrashFacts.time(facts.heartbeat()))
                .name("ended").value(facts.ended())
                .name("backend").value(facts.backend())
                .name("core").value(collected == null ? null : collected.core().toString())
                .name("coreSize").value(collected == null ? 0 : collected.coreSize())
                .name("failure").value(failure)
                .name("problems").value(collected == null ? null : collected.problems())
                .name("rawFilesKept").value(rawKept)
                .name("fatalCore").value(fatalCore() == null ? null : fatalCore().toString())
                .name("lastWarnOrError").value(facts.lastWarnOrError());
        if (collected != null) {
            ZoneJson.notes(collected.notes(), json);
            ZoneJson.zones(collected.zones(), json);
        }
        json.name("lastLog").beginArray();
        facts.lastLog().forEach(json::value);
        return json.endArray().endObject().toString();
    }

    private Map<String, String> head() {
        Map<String, String> head = new LinkedHashMap<>();
        head.put(PID, facts.pid() < 0 ? "unknown" : Long.toString(facts.pid()));
        head.put(STARTED, facts.started() == 0 ? "unknown" : CrashFacts.time(facts.started()));
        head.put(HEARTBEAT, facts.heartbeat() == 0 ? "unknown" : CrashFacts.time(facts.heartbeat()));
        head.put(ENDED, facts.ended());
        head.put(BACKEND, facts.backend().isEmpty() ? "none" : facts.backend());
        head.put(ZONES, zones());
        head.put(CORE, collected == null ? "not collected: " + failure : collected.core() + " (" + collected.coreSize() + " bytes)");
        head.put(RAW, rawKept ? "kept" : "dropped after the collection");
        if (fatalCore() != null) {
            head.put(FATAL_CORE, fatalCore() + " (the richer core: taken while the JVM was still in memory, zones outside the arena included)");
        }
        head.put(LAST_WARN_OR_ERROR, facts.lastWarnOrError() == null ? "none found" : facts.lastWarnOrError());
        head.replaceAll((key, value) -> TerminalText.clean(value));
        return head;
    }

    /** Writes the text, then the JSON: a summary.json means the entry was collected (or tried and said why not). */
    void write() throws Failure {
        writeFile(facts.entry().resolve(CrashEntry.SUMMARY_TEXT), text());
        writeFile(facts.entry().resolve(CrashEntry.SUMMARY_JSON), json() + "\n");
    }

    private static void writeFile(Path target, String content) throws Failure {
        try (OutputFile file = OutputFile.create(target)) {
            file.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            file.commit();
        }
    }

    /** @return the {@code key: value} lines a summary text begins with; empty when there is no summary */
    public static Map<String, String> head(Path entry) throws IOException {
        Path text = entry.resolve(CrashEntry.SUMMARY_TEXT);
        Map<String, String> head = new LinkedHashMap<>();
        if (!Files.isRegularFile(text, LinkOption.NOFOLLOW_LINKS) || Files.size(text) > (1 << 20)) {
            return head;
        }
        for (String line : Files.readAllLines(text, StandardCharsets.UTF_8)) {
            int colon = line.indexOf(": ");
            if (line.isEmpty() || colon < 0) {
                break;
            }
            head.put(line.substring(0, colon), line.substring(colon + 2));
        }
        return head;
    }

    /** @return whether the automatic collection has been through {@code entry} */
    public static boolean collected(Path entry) {
        return Files.exists(entry.resolve(CrashEntry.SUMMARY_JSON), LinkOption.NOFOLLOW_LINKS);
    }
}
