package org.kmemdump.collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.kmemdump.format.CrashEntry;
import org.kmemdump.format.RunFiles;

/**
 * The entries of a kmemdump directory's crash store, oldest first, for {@code collector crashes} and
 * {@code kmemdump:crashes}: from each entry's summary once it is collected, else from its run files.
 */
public final class CrashListing {
    /** Before an entry's fatal core in the text: the richer core, taken while the JVM was still in memory. */
    static final String FATAL_CORE_LABEL = "fatal core (the richer one): ";

    /**
     * @param path      the entry's directory
     * @param bytes     what its regular files hold (apparent sizes)
     * @param fatalCore the entry's {@link #fatalCore fatal core}, or null
     */
    public record Row(String id, Path path, String pid, String started, String ended, String zones, long bytes, Path fatalCore) {
    }

    private CrashListing() {
    }

    /** @throws Failure (input) when the directory or its crash store cannot be listed */
    public static List<Row> list(Path directory) throws Failure {
        Path crashes = directory.resolve(CrashEntry.CRASHES);
        if (!Files.isDirectory(directory)) {
            throw Failure.input(directory + (Files.exists(directory) ? ": not a directory" : ": no such directory"));
        }
        if (!Files.exists(crashes, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        if (!Files.isDirectory(crashes, LinkOption.NOFOLLOW_LINKS)) {
            throw Failure.input(crashes + ": not a directory (a link or a file): no crash store there");
        }
        List<Row> rows = new ArrayList<>();
        try {
            for (Path entry : entries(crashes)) {
                rows.add(row(entry));
            }
        } catch (IOException e) {
            throw Failure.input(crashes + ": cannot be listed: " + IoMessages.of(e));
        }
        return rows;
    }

    /**
     * @param crashes a crash store ({@value CrashEntry#CRASHES} of a kmemdump directory)
     * @return its entries, oldest first: the directories named as {@link CrashEntry#isId} says, not
     *         links; nothing half moved or half pruned; empty when there is no store
     */
    public static List<Path> entries(Path crashes) throws IOException {
        if (!Files.isDirectory(crashes, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(crashes)) {
            return entries.sorted()
                    .filter(entry -> CrashEntry.isId(entry.getFileName().toString()) && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS))
                    .toList();
        }
    }

    /**
     * @return the core the collector's {@code fatal} command took from the dying JVM
     *         ({@value RunFiles#FATAL_CORE}), the richer one, or null when the entry has none
     */
    public static Path fatalCore(Path entry) {
        Path core = entry.resolve(RunFiles.FATAL_CORE);
        return Files.isRegularFile(core, LinkOption.NOFOLLOW_LINKS) ? core : null;
    }

    private static Row row(Path entry) throws IOException {
        String id = entry.getFileName().toString();
        Map<String, String> head = CrashSummary.head(entry);
        if (!head.isEmpty()) {
            return new Row(id, entry, head.getOrDefault(CrashSummary.PID, "?"), head.getOrDefault(CrashSummary.STARTED, "?"),
                    head.getOrDefault(CrashSummary.ENDED, "?"), head.getOrDefault(CrashSummary.ZONES, "?"), bytes(entry), fatalCore(entry));
        }
        CrashFacts facts = CrashFacts.read(entry);
        return new Row(id, entry, facts.pid() < 0 ? "unknown" : Long.toString(facts.pid()),
                facts.started() == 0 ? "unknown" : CrashFacts.time(facts.started()), TerminalText.clean(facts.ended()), "not collected yet",
                bytes(entry), fatalCore(entry));
    }

    private static long bytes(Path entry) throws IOException {
        long total = 0;
        try (Stream<Path> files = Files.list(entry)) {
            for (Path file : files.toList()) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    total += Files.size(file);
                }
            }
        }
        return total;
    }

    /** @return per entry: when, pid, zones, size, how it ended; then its path, and its fatal core when it has one */
    public static String text(List<Row> rows) {
        if (rows.isEmpty()) {
            return "no crash entries\n";
        }
        StringBuilder text = new StringBuilder(String.format("%-24s %-8s %-22s %12s  %s%n", "started", "pid", "zones", "bytes", "how it ended / path"));
        for (Row row : rows) {
            text.append(String.format("%-24s %-8s %-22s %12d  %s%n", row.started(), row.pid(), row.zones(), row.bytes(), row.ended()));
            text.append(String.format("%-70s%s%n", "", row.path()));
            if (row.fatalCore() != null) {
                text.append(String.format("%-70s%s%n", "", FATAL_CORE_LABEL + row.fatalCore()));
            }
        }
        return text.toString();
    }

    public static String json(List<Row> rows) {
        return json(new JsonWriter().beginObject().name("crashes"), rows).endObject().toString();
    }

    /** Writes the rows as one JSON array where {@code json} expects a value. */
    public static JsonWriter json(JsonWriter json, List<Row> rows) {
        json.beginArray();
        for (Row row : rows) {
            json.beginObject().name("id").value(row.id()).name("path").value(row.path().toString()).name("pid").value(row.pid())
                    .name("started").value(row.started()).name("ended").value(row.ended()).name("zones").value(row.zones())
                    .name("bytes").value(row.bytes()).name("fatalCore").value(row.fatalCore() == null ? null : row.fatalCore().toString())
                    .endObject();
        }
        return json.endArray();
    }
}
