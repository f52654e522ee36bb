package org.kmemdump.collector;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.kmemdump.format.CrashEntry;

/**
 * What is known of the run a crash entry holds, from its arena header and log ring, before and
 * without collecting it: what the announcement at start says and the summary begins with.
 *
 * @param entry   the entry's directory
 * @param pid     the run's pid, or -1 when its arena could not be read
 * @param started its start, ms since the epoch (0 when unknown)
 * @param ended   how it ended ({@link RunEnd}), or why that is unknown
 * @param backend the backend that was active, or empty
 * @param lastLog the newest log records, oldest first; or one line saying why there are none
 * @param lastWarnOrError the newest WARN or ERROR record in the whole ring, or null when there is none
 * @param readable whether the arena could be read (then it can be collected)
 */
public record CrashFacts(Path entry, long pid, long started, long heartbeat, String ended, String backend, List<String> lastLog,
        String lastWarnOrError, boolean readable) {
    /** Log records kept in a summary. */
    public static final int LOG_RECORDS = 20;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /** Reads the facts of the entry {@code entry}; never fails: what cannot be read is said. */
    public static CrashFacts read(Path entry) {
        try (DumpInput input = DumpInput.open(entry)) {
            var header = input.header();
            CrashLog log;
            try {
                log = CrashLog.read(input, OwnerProcess.of(header), LOG_RECORDS);
            } catch (Failure failure) {
                log = new CrashLog(List.of("(no log records: " + failure.getMessage() + ")"), null);
            }
            return new CrashFacts(entry, header.pid(), header.startTime(), header.heartbeat(), RunEnd.of(header, entry).detail(), header.backend(),
                    log.newest(), log.lastWarnOrError(), true);
        } catch (Failure failure) {
            return new CrashFacts(entry, -1, 0, 0, "unknown: " + failure.getMessage(), "", List.of(), null, false);
        }
    }

    public String id() {
        return entry.getFileName().toString();
    }

    /** @return the newest log line, or a note that there is none */
    public String lastLogLine() {
        return lastLog.isEmpty() ? "(none)" : lastLog.getLast();
    }

    /**
     * @return the log line that says most of how the run ended, saying which it is: the newest WARN
     *         or ERROR, else the newest record (often a framework's DEBUG event)
     */
    public String lastWords() {
        return lastWarnOrError != null ? "its last WARN or ERROR: " + lastWarnOrError
                : "its last log line (no WARN or ERROR found): " + lastLogLine();
    }

    /** The one line that tells an operator at start that this run did not end cleanly, and where its cores are. */
    public String announcement() {
        Path fatalCore = CrashListing.fatalCore(entry);
        return "kmemdump: an earlier run did not end cleanly: " + (pid < 0 ? "pid unknown" : "pid " + pid) + ", started "
                + (started == 0 ? "at an unknown time" : time(started)) + ", " + ended + "; its core: " + entry.resolve(CrashEntry.CORE)
                + (readable ? "" : " (cannot be collected; the files are kept)")
                + (fatalCore == null ? "" : "; its " + CrashListing.FATAL_CORE_LABEL + fatalCore) + "; " + lastWords();
    }

    /** @return an instant as {@code 2026-12-02T01:12:00.000Z} */
    static String time(long millis) {
        return TIME.format(Instant.ofEpochMilli(millis));
    }
}
